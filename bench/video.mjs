// Video suite (models named by --video-model; default the mini model): per-frame tracking latency of 1 and 3
// objects through VideoSession.propagate (each side twice, in the order Python, Node, Node, Python), against bench/python_video.py driving the same exported modules with
// the reference tracker (one tracker per object on shared frame features, as the official predictor runs
// objects), and the peak RSS of tracking a folder of 1024-px frames against the official approach, which decodes
// every frame into one float32 tensor at the model's size before tracking. Both memory runs are child processes of
// their own, so that each peak is its side's alone.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Sam2Model } from '../dist/index.js';
import { discCenters, ensureFrameFolder, syntheticFrame } from './video_frames.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const OBJECTS = [1, 3];
const MEMORY_VIDEO = { frames: 200, size: 1024 };

/** Per-frame ms of tracking `objects` objects clicked on frame 0 through `frames`, warm-up frames left out. */
async function nodeLatency(model, frames, objects, warmup) {
  const size = frames[0].width;
  const session = await model.createVideoSession(frames);
  try {
    for (let k = 0; k < objects; k++) {
      await session.addPoints({ frame: 0, objectId: k + 1, points: [discCenters(0, size)[k]], labels: [1] });
    }
    const samples = [];
    const iterator = session.propagate()[Symbol.asyncIterator]();
    await iterator.next(); // frame 0: the clicked frame, returned as it is
    for (;;) {
      const start = performance.now();
      const { done } = await iterator.next();
      if (done) break;
      samples.push(performance.now() - start);
    }
    return samples.slice(warmup);
  } finally {
    session.dispose();
  }
}

function nodeMemory(opts, framesDir) {
  const script = join(BENCH_DIR, 'video_memory.mjs');
  const args = [script, '--model', opts.model, '--frames', framesDir, '--threads', String(opts.threads)];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`video_memory.mjs exited with ${r.status ?? r.signal}`);
  return JSON.parse(r.stdout);
}

const objects = (n) => `${n} object${n > 1 ? 's' : ''}`;
const median = (samples) => [...samples].sort((a, b) => a - b)[samples.length >> 1];
const fps = (samples) => 1000 / median(samples);
// The cost of each object past the first, as a share of a one-object frame (the "+25% per object").
const extraObjectPercent = (one, three) => ((median(three) - median(one)) / 2 / median(one)) * 100;

async function run(opts, { runPython }) {
  if (!opts.videoModels.includes(opts.modelLabel)) return { rows: [] };
  const model = await Sam2Model.load(opts.model, { device: opts.device, dtype: opts.dtype, threads: opts.threads });
  const size = model.info.imageSize;
  const count = opts.videoFrames + opts.warmup + 1;
  const pythonLatency = () =>
    runPython('python_video.py', [
      'latency', '--model', opts.model, '--threads', String(opts.threads), '--frames', String(count),
      '--warmup', String(opts.warmup), '--objects', ...OBJECTS.map(String),
    ]);
  const frames = Array.from({ length: count }, (_, t) => syntheticFrame(t, size));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const nodeLatencies = async () => {
    const samples = {};
    delay.enable();
    for (const n of OBJECTS) samples[n] = await nodeLatency(model, frames, n, opts.warmup);
    delay.disable();
    return samples;
  };
  // Python, Node, Node, Python: a machine that drifts over the suite (other work) weighs on both sides alike, not
  // on whichever ran second (up to 9% apart in single runs whose sides matched back to back).
  const py = {}, node = {};
  const pool = (into, part) => OBJECTS.forEach((n) => (into[n] = [...(into[n] ?? []), ...part[n]]));
  let torch;
  try {
    const first = pythonLatency();
    torch = { torch: first.torch, threads: first.threads };
    pool(py, first);
    pool(node, await nodeLatencies());
    pool(node, await nodeLatencies());
    pool(py, pythonLatency());
  } finally {
    model.dispose();
  }

  const framesDir = await ensureFrameFolder(join(BENCH_DIR, '.cache'), MEMORY_VIDEO.frames, MEMORY_VIDEO.size);
  const nodeMem = nodeMemory(opts, framesDir);
  const pyMem = runPython('python_video.py', [
    'memory', '--model', opts.model, '--threads', String(opts.threads), '--frames-dir', framesDir,
  ]);
  const video = `${MEMORY_VIDEO.frames} frames ${MEMORY_VIDEO.size} px, 1 object`;
  return {
    python: torch,
    rows: [
      ...OBJECTS.map((n) => ({ what: `track ${objects(n)}, per frame`, node: node[n], python: py[n] })),
      ...OBJECTS.map((n) => ({ what: `frames/s, ${objects(n)}`, node: fps(node[n]), python: fps(py[n]) })),
      {
        what: 'each extra object, % of a 1-object frame',
        node: extraObjectPercent(node[1], node[3]),
        python: extraObjectPercent(py[1], py[3]),
      },
      { what: 'event loop max delay, video tracking', node: delay.max / 1e6 },
      // python: the official approach, every frame held as float32 at the model's size.
      { what: `peak RSS MiB, ${video} (python: every frame held)`, node: nodeMem.peakRssMiB, python: pyMem.peakRssMiB },
      {
        what: `RSS growth MiB after model load, ${video}`,
        node: nodeMem.peakRssMiB - nodeMem.loadedRssMiB,
        python: pyMem.peakRssMiB - pyMem.loadedRssMiB,
      },
      { what: `ms per frame over the ${video}`, node: nodeMem.msPerFrame, python: pyMem.msPerFrame },
    ],
  };
}

export const videoSuite = { name: 'video', run };
