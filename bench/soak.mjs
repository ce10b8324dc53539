// Soak suite (`npm run bench -- --suite soak`, on the mini model unless --model says otherwise): does memory stay
// flat under churn? Two phases, each sampling RSS after every cycle (after a full GC, so that JS garbage awaiting
// collection does not count as growth):
//   models:   --soak-cycles times load, encode an image, predict a click, dispose the embedding and the model
//   sessions: --soak-sessions times open a VideoSession on a short clip, prompt it, propagate, dispose it
// The first third is the warm-up (caches, allocator arenas and the tensor-block cache fill up: on the mini model RSS
// rises by ~120 MiB over the first ten loads); the plateau is the median RSS of the middle third, and the suite
// fails (a loud message, non-zero exit from bench/run.mjs) when the last third's median exceeds it by more than
// --soak-max-growth MiB: a leak of a model, an embedding or a session's state per cycle grows it by cycles/3 times
// its size.
import { Sam2Model } from '../dist/index.js';
import { discCenters, syntheticFrame } from './video_frames.mjs';

const CLIP_FRAMES = 3;
const mib = (bytes) => bytes / 2 ** 20;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function sampleRss() {
  if (!globalThis.gc) throw new Error('the soak suite needs node --expose-gc (npm run bench passes it)');
  globalThis.gc();
  return mib(process.memoryUsage.rss());
}

/** Runs `cycle` `count` times; RSS after each. */
async function soak(count, cycle) {
  if (count < 3) throw new Error(`soak: ${count} cycles; at least 3 (warm-up, plateau, last third)`);
  const rss = [];
  for (let i = 0; i < count; i++) {
    await cycle(i);
    rss.push(sampleRss());
  }
  const third = Math.max(1, Math.floor(count / 3));
  const warmup = median(rss.slice(0, third));
  const plateau = median(rss.slice(third, count - third));
  const last = median(rss.slice(count - third));
  return { rss, warmup, plateau, last, growth: last - plateau, peak: Math.max(...rss) };
}

async function modelCycle(opts, image, size) {
  const model = await Sam2Model.load(opts.model, { device: opts.device, dtype: opts.dtype, threads: opts.threads });
  try {
    const embedding = await model.encodeImage(image);
    const [x, y] = discCenters(0, size)[0];
    const prediction = await model.predict(embedding, { points: [[x, y]], labels: [1] });
    if (prediction.count < 1) throw new Error('soak: predict returned no mask');
    embedding.dispose();
  } finally {
    model.dispose();
  }
}

async function sessionCycle(model, clip, size) {
  const session = await model.createVideoSession(clip);
  try {
    await session.addPoints({ frame: 0, objectId: 1, points: [discCenters(0, size)[0]], labels: [1] });
    let frames = 0;
    for await (const result of session.propagate()) frames += result.objectIds.length;
    if (frames !== clip.length) throw new Error(`soak: propagated ${frames} of ${clip.length} frames`);
  } finally {
    session.dispose();
  }
}

async function run(opts) {
  const probe = await Sam2Model.load(opts.model, { device: opts.device, dtype: opts.dtype, threads: opts.threads });
  const size = probe.info.imageSize;
  const image = syntheticFrame(0, size);
  const clip = Array.from({ length: CLIP_FRAMES }, (_, t) => syntheticFrame(t, size));
  const baseline = sampleRss();
  const models = await soak(opts.soakCycles, () => modelCycle(opts, image, size));
  const sessions = await soak(opts.soakSessions, () => sessionCycle(probe, clip, size));
  probe.dispose();

  const bound = opts.soakMaxGrowth;
  const phases = [
    { name: `${opts.soakCycles} load/encode/predict/dispose cycles`, ...models },
    { name: `${opts.soakSessions} video sessions (${CLIP_FRAMES} frames: open, prompt, propagate, dispose)`, ...sessions },
  ];
  const rows = phases.flatMap((p) => [
    { what: `soak: ${p.name}: RSS, median of the first third, warm-up (MiB)`, node: p.warmup },
    { what: `soak: ${p.name}: RSS plateau, median of the middle third (MiB)`, node: p.plateau },
    { what: `soak: ${p.name}: RSS, median of the last third (MiB)`, node: p.last },
    { what: `soak: ${p.name}: growth, last third - plateau (MiB; bound ${bound})`, node: p.growth },
  ]);
  const failed = phases.filter((p) => p.growth > bound);
  const failure = failed.length
    ? failed.map((p) => `${p.name}: RSS grew ${p.growth.toFixed(1)} MiB (bound ${bound} MiB)`).join('; ')
    : undefined;
  return { rows, soak: { baselineMiB: baseline, bound, phases }, failure };
}

export const soakSuite = { name: 'soak', run };
