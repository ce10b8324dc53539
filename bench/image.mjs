// Image suite: encode, predict (1 positive click, multimask, cached embedding) and first click (encode + predict)
// through the Node API, against bench/python_image.py on the same exported files and onnxruntime-node on their .onnx
// copies (onnx_image.mjs; CPU only). On CUDA neither encode call waits for the GPU (the embedding stays there), so
// "encode + predict" is the row that includes all of the GPU work.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Sam2Model } from '../dist/index.js';
import { timed } from './measure.mjs';
import { runOnnx } from './onnx_image.mjs';

// Requests of a small service arriving at once (the throughput target).
const CONCURRENT = 8;

// Same formula as python_image.py: both sides encode identical pixels.
export function syntheticImage(size) {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) data[(y * size + x) * 3 + c] = (x + 2 * y + 85 * c) % 256;
    }
  }
  return { data, width: size, height: size, channels: 3 };
}

/** Per-image ms of `CONCURRENT` encodeImage calls made at once, `samples` times. */
async function concurrentMs(model, image, samples) {
  const out = [];
  for (let s = 0; s < samples; s++) {
    const start = performance.now();
    const embeddings = await Promise.all(Array.from({ length: CONCURRENT }, () => model.encodeImage(image)));
    out.push((performance.now() - start) / CONCURRENT);
    embeddings.forEach((e) => e.dispose());
  }
  return out;
}

// The prompt decoder timed through the API: predict on the embedding of a TINY x TINY image (the encoder resizes it to
// the model's size, so the decoder's work is the same), where the upsampling, thresholding and copies of the result
// at the original size shrink to nothing. What is left over the decoder itself, the selection and the low-res
// copies, stays in, so the row is an upper bound on the decoder's share of predict, not flattering to node.
const TINY = 8;

/** `model.predict` of one click on the embedding of a TINY x TINY image: the decoder with negligible post-processing. */
export async function decoderAlone(model) {
  const emb = await model.encodeImage(syntheticImage(TINY));
  const prompt = { points: [[TINY / 2, TINY / 2]], labels: [1], multimask: true };
  return { run: () => model.predict(emb, prompt), dispose: () => emb.dispose() };
}

async function decoderAloneMs(model, opts, collect) {
  const decoder = await decoderAlone(model);
  try {
    return await timed(decoder.run, opts.warmup, opts.predictIters, collect);
  } finally {
    decoder.dispose();
  }
}

async function runNode(opts, image, prompt) {
  const load = (extra) =>
    Sam2Model.load(opts.model, { device: opts.device, dtype: opts.dtype, threads: opts.threads, ...extra });
  const model = await load();
  // Everything from here on is model work, which the event loop should never wait for. (Loading is not: the first
  // load in a process loads libtorch, a few hundred ms of dlopen on the main thread.)
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  // The bench's own full collections hold the event loop too; they are not the library's.
  const collect = () => {
    delay.disable();
    globalThis.gc?.();
    delay.enable();
  };
  try {
    const coldStart = performance.now();
    (await model.encodeImage(image)).dispose();
    const firstEncodeMs = performance.now() - coldStart;

    const encode = async () => (await model.encodeImage(image)).dispose();
    const encodeMs = await timed(encode, opts.warmup, opts.iters, collect);

    const emb = await model.encodeImage(image);
    const predictMs = await timed(() => model.predict(emb, prompt), opts.warmup, opts.predictIters, collect);
    emb.dispose();
    const decodeMs = await decoderAloneMs(model, opts, collect);

    const firstClick = async () => {
      const e = await model.encodeImage(image);
      await model.predict(e, prompt);
      e.dispose();
    };
    const firstClickMs = await timed(firstClick, 0, opts.iters, collect);
    const samples = Math.max(2, Math.round(opts.iters / 4));
    const concurrent = await concurrentMs(model, image, samples);
    const batchedModel = await load({ batch: { maxSize: CONCURRENT, maxWaitMs: 10 } });
    const batched = await concurrentMs(batchedModel, image, 1 + samples).then((ms) => ms.slice(1));
    batchedModel.dispose();
    delay.disable();
    return {
      firstEncodeMs,
      encodeMs,
      predictMs,
      decodeMs,
      firstClickMs,
      concurrent,
      batched,
      maxDelayMs: delay.max / 1e6,
    };
  } finally {
    model.dispose();
  }
}

async function run(opts, { runPython }) {
  // A square image at the model's own size: no resize on either side, so the rows time the model itself.
  const manifest = JSON.parse(readFileSync(join(opts.model, 'manifest.json'), 'utf8'));
  const size = manifest.imageSize;
  const image = syntheticImage(size);
  const prompt = { points: [[size / 2, size / 2]], labels: [1], multimask: true };
  const py = runPython('python_image.py', [
    '--model', opts.model, '--device', opts.device, '--dtype', opts.dtype, '--threads', String(opts.threads),
    '--warmup', String(opts.warmup), '--iters', String(opts.iters), '--predict-iters', String(opts.predictIters),
    '--size', String(size),
  ]);
  const node = await runNode(opts, image, prompt);
  const ort = opts.device === 'cpu' ? await runOnnx(opts, manifest, image, prompt) : undefined;
  return {
    python: { torch: py.torch, threads: py.threads },
    ort: ort?.version,
    rows: [
      { what: `encode ${size}x${size} RGB`, node: node.encodeMs, python: py.encode, ort: ort?.encodeMs },
      { what: 'predict (1 click, multimask)', node: node.predictMs, python: py.predict, ort: ort?.predictMs },
      // Each side's share of its predict row: onnxruntime's decoder run alone, without the JS selection and
      // upsampling; sam2-node's predict of an image so small that its post-processing is negligible.
      { what: 'prompt decoder alone', node: node.decodeMs, ort: ort?.decodeMs },
      {
        what: 'encode + predict (first click)',
        node: node.firstClickMs,
        python: py['encode+predict'],
        ort: ort?.firstClickMs,
      },
      { what: 'first encode after load', node: node.firstEncodeMs, ort: ort?.firstEncodeMs },
      { what: `${CONCURRENT} concurrent encodes, per image`, node: node.concurrent },
      { what: `${CONCURRENT} concurrent encodes, batch ≤ ${CONCURRENT}, per image`, node: node.batched },
      { what: 'event loop max delay, whole run', node: node.maxDelayMs, ort: ort?.maxDelayMs },
    ],
  };
}

export const imageSuite = { name: 'image', run };
