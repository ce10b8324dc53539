// Automatic mask generation suite: generateMasks at the official defaults against bench/python_amg.py (the official
// generator's algorithm over the same exported files, same image, same threads), the event loop's max delay through
// it, and peak RSS with every mask kept as RLE versus as binary masks (bench/amg_memory.mjs, one process each).
// Runs on the models of --amg-model (default tiny-1024): a 1024 px model is what the official defaults are for.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Sam2Model } from '../dist/index.js';
import { syntheticImage } from './amg_image.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
// Not square, so the resize and the crop-sized upsampling are part of the work, as for a photo.
const WIDTH = 1024;
const HEIGHT = 768;
// Filters off on a 16 x 16 grid: 768 masks kept, 600 MB as binary masks at this size.
const MEMORY_POINTS = 16;
// The warm-up: TorchScript's profiling executor re-optimises the decoder during its first calls, on both sides.
const WARMUP = { pointsPerSide: 8 };

async function runNode(opts, image) {
  const model = await Sam2Model.load(opts.model, { device: opts.device, dtype: opts.dtype, threads: opts.threads });
  try {
    await model.generateMasks(image, WARMUP);
    globalThis.gc?.();
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const start = performance.now();
    const records = await model.generateMasks(image);
    const ms = performance.now() - start;
    delay.disable();
    return { ms, masks: records.length, maxDelayMs: delay.max / 1e6 };
  } finally {
    model.dispose();
  }
}

function memory(opts, mode) {
  const args = ['--model', opts.model, '--threads', String(opts.threads), '--width', String(WIDTH)];
  args.push('--height', String(HEIGHT), '--points-per-side', String(MEMORY_POINTS), '--mode', mode);
  const r = spawnSync(process.execPath, [join(BENCH_DIR, 'amg_memory.mjs'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`amg_memory.mjs exited with ${r.status ?? r.signal}`);
  return JSON.parse(r.stdout);
}

async function run(opts, { runPython }) {
  if (!opts.amgModels.includes(opts.modelLabel)) return { rows: [] };
  const image = syntheticImage(WIDTH, HEIGHT);
  const py = runPython('python_amg.py', [
    '--model', opts.model, '--threads', String(opts.threads), '--width', String(WIDTH), '--height', String(HEIGHT),
    '--warmup', JSON.stringify({ points_per_side: WARMUP.pointsPerSide }),
  ]);
  const node = await runNode(opts, image);
  const rle = memory(opts, 'rle');
  const binary = memory(opts, 'binary');
  const size = `${WIDTH}x${HEIGHT}`;
  return {
    python: { torch: py.torch, threads: py.threads },
    rows: [
      { what: `generateMasks ${size}, official defaults (${node.masks} / ${py.masks} masks)`, node: node.ms, python: py.seconds * 1000 },
      { what: 'event loop max delay, generateMasks', node: node.maxDelayMs },
      { what: `peak RSS MiB, ${rle.masks} masks kept as 'rle' (loaded ${rle.loadedRssMiB.toFixed(0)})`, node: rle.peakRssMiB },
      { what: `peak RSS MiB, ${binary.masks} masks kept as 'binary'`, node: binary.peakRssMiB },
    ],
  };
}

export const amgSuite = { name: 'amg', run };
