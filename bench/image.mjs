// Image suite: encode, predict (1 positive click, multimask, cached embedding) and first click (encode + predict)
// through the Node API, against bench/python_image.py on the same exported files. On CUDA neither encode call waits
// for the GPU (the embedding stays there), so "encode + predict" is the row that includes all of the GPU work.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Sam2Model } from '../dist/index.js';
import { timed } from './measure.mjs';

// Same formula as python_image.py: both sides encode identical pixels.
function syntheticImage(size) {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) data[(y * size + x) * 3 + c] = (x + 2 * y + 85 * c) % 256;
    }
  }
  return { data, width: size, height: size, channels: 3 };
}

async function runNode(opts, size) {
  const model = await Sam2Model.load(opts.model, { device: opts.device, dtype: opts.dtype, threads: opts.threads });
  const image = syntheticImage(size);
  const prompt = { points: [[size / 2, size / 2]], labels: [1], multimask: true };
  try {
    const encode = async () => (await model.encodeImage(image)).dispose();
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const encodeMs = await timed(encode, opts.warmup, opts.iters, () => delay.enable());
    delay.disable();

    const emb = await model.encodeImage(image);
    const predictMs = await timed(() => model.predict(emb, prompt), opts.warmup, opts.predictIters);
    emb.dispose();

    const firstClick = async () => {
      const e = await model.encodeImage(image);
      await model.predict(e, prompt);
      e.dispose();
    };
    const firstClickMs = await timed(firstClick, 0, opts.iters);
    return { encodeMs, predictMs, firstClickMs, maxDelayMs: delay.max / 1e6 };
  } finally {
    model.dispose();
  }
}

async function run(opts, { runPython }) {
  // A square image at the model's own size: no resize on either side, so the rows time the model itself.
  const { imageSize: size } = JSON.parse(readFileSync(join(opts.model, 'manifest.json'), 'utf8'));
  const py = runPython('python_image.py', [
    '--model', opts.model, '--device', opts.device, '--dtype', opts.dtype, '--threads', String(opts.threads),
    '--warmup', String(opts.warmup), '--iters', String(opts.iters), '--predict-iters', String(opts.predictIters),
    '--size', String(size),
  ]);
  const node = await runNode(opts, size);
  return {
    python: { torch: py.torch, threads: py.threads },
    rows: [
      { what: `encode ${size}x${size} RGB`, node: node.encodeMs, python: py.encode },
      { what: 'predict (1 click, multimask)', node: node.predictMs, python: py.predict },
      { what: 'encode + predict (first click)', node: node.firstClickMs, python: py['encode+predict'] },
      { what: 'event loop max delay during encode', node: node.maxDelayMs },
    ],
  };
}

export const imageSuite = { name: 'image', run };
