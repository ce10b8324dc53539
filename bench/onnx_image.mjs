// The onnxruntime-node baseline of the image suite: the .onnx copies of the same modules (exporter --onnx) driven the
// way a Node user of onnxruntime-node (e.g. through transformers.js) would, doing in JS what sam2-node does in C++:
// normalisation to CHW float32, prompt scaling, the multimask choice, bilinear upsampling to the image and `> 0`.
// onnxruntime-node runs a session synchronously on the main thread, so its event-loop delay is its longest run.
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { timed } from './measure.mjs';

async function loadOrt() {
  try {
    return (await import('onnxruntime-node')).default;
  } catch {
    return undefined;
  }
}

function toInput(ort, image, size, mean, std) {
  const { data, width, height, channels } = image;
  if (width !== size || height !== size) throw new Error('the onnxruntime baseline takes model-sized images only');
  const plane = size * size;
  const x = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const m = mean[c];
    const s = std[c];
    for (let p = 0; p < plane; p++) x[c * plane + p] = (data[p * channels + c] / 255 - m) / s;
  }
  return new ort.Tensor('float32', x, [1, 3, size, size]);
}

/** Source indices and weights of torch's bilinear (align_corners=False) resize along one axis, as typed arrays. */
function axis(inSize, outSize) {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w1 = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const source = Math.max(scale * (o + 0.5) - 0.5, 0);
    i0[o] = Math.trunc(source);
    i1[o] = i0[o] < inSize - 1 ? i0[o] + 1 : i0[o];
    w1[o] = Math.min(source - i0[o], 1);
  }
  return { i0, i1, w1 };
}

/** Bilinear upsampling of one L×L logit map to H×W, thresholded at 0 into `out` (uint8). */
function upsampleMask(map, L, ys, xs, out) {
  const width = xs.i0.length;
  for (let y = 0; y < ys.i0.length; y++) {
    const r0 = ys.i0[y] * L;
    const r1 = ys.i1[y] * L;
    const wy1 = ys.w1[y];
    for (let x = 0; x < width; x++) {
      const x0 = xs.i0[x];
      const x1 = xs.i1[x];
      const wx1 = xs.w1[x];
      const top = map[r0 + x0] + (map[r0 + x1] - map[r0 + x0]) * wx1;
      const bottom = map[r1 + x0] + (map[r1 + x1] - map[r1 + x0]) * wx1;
      out[y * width + x] = top + (bottom - top) * wy1 > 0 ? 1 : 0;
    }
  }
}

/**
 * onnxruntime-node sessions on the model's .onnx copies and the calls a Node user would make with them, or undefined
 * without onnxruntime-node: `encode()` the image, `decodeOnly(emb)` (the decoder's run alone) and `predict(emb)`
 * (the decoder plus the JS selection, upsampling and thresholding sam2-node does in C++).
 */
export async function openOnnx(opts, manifest, image, prompt) {
  const ort = await loadOrt();
  if (!ort || !manifest.onnx) return undefined;
  const session = (file) =>
    ort.InferenceSession.create(join(opts.model, file), {
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // The other sides' threads sleep when idle (run.mjs); onnxruntime's spin unless told otherwise.
      extra: { session: { intra_op: { allow_spinning: process.env.OMP_WAIT_POLICY === 'PASSIVE' ? '0' : '1' } } },
    });
  const encoder = await session('image_encoder.onnx');
  const decoder = await session('prompt_decoder.onnx');
  const { imageSize: size, mean, std } = manifest;
  const L = size / 4;

  const encode = async () => {
    const out = await encoder.run({ image: toInput(ort, image, size, mean, std) });
    return { ...out, width: image.width, height: image.height };
  };
  const decodeOnly = async (emb) => {
    const n = prompt.points.length;
    const coords = new Float32Array(2 * n);
    prompt.points.forEach(([x, y], i) => {
      coords[2 * i] = (x / emb.width) * size;
      coords[2 * i + 1] = (y / emb.height) * size;
    });
    return decoder.run({
      embed: emb.embed,
      feat_s0: emb.feat_s0,
      feat_s1: emb.feat_s1,
      coords: new ort.Tensor('float32', coords, [1, n, 2]),
      labels: new ort.Tensor('int64', BigInt64Array.from(prompt.labels, BigInt), [1, n]),
      mask_input: new ort.Tensor('float32', new Float32Array(L * L), [1, 1, L, L]),
      has_mask: new ort.Tensor('bool', new Uint8Array(1), [1]),
    });
  };
  const predict = async (emb) => {
    const { masks: logits, iou } = await decodeOnly(emb);
    // Multimask: hypotheses 1..3, as the official predictor returns them.
    const { width, height } = emb;
    const masks = new Uint8Array(3 * width * height);
    const lowRes = new Float32Array(3 * L * L);
    const ys = axis(L, height);
    const xs = axis(L, width);
    for (let k = 0; k < 3; k++) {
      const map = logits.data.subarray((k + 1) * L * L, (k + 2) * L * L);
      upsampleMask(map, L, ys, xs, masks.subarray(k * width * height));
      for (let i = 0; i < L * L; i++) lowRes[k * L * L + i] = Math.min(32, Math.max(-32, map[i]));
    }
    return { masks, scores: iou.data.slice(1, 4), lowResLogits: lowRes };
  };
  const release = async () => {
    await encoder.release();
    await decoder.release();
  };
  return { version: ort.env.versions?.node ?? '?', encode, decodeOnly, predict, release };
}

/** Encode, predict and first-click samples (ms) like the native side's, or undefined without onnxruntime-node. */
export async function runOnnx(opts, manifest, image, prompt) {
  const onnx = await openOnnx(opts, manifest, image, prompt);
  if (!onnx) return undefined;
  const { encode, decodeOnly, predict } = onnx;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const coldStart = performance.now();
  await encode();
  const firstEncodeMs = performance.now() - coldStart;
  const encodeMs = await timed(encode, opts.warmup, opts.iters);
  const emb = await encode();
  const predictMs = await timed(() => predict(emb), opts.warmup, opts.predictIters);
  const decodeMs = await timed(() => decodeOnly(emb), opts.warmup, opts.predictIters);
  const firstClickMs = await timed(async () => predict(await encode()), 0, opts.iters);
  delay.disable();
  await onnx.release();
  return {
    version: onnx.version,
    firstEncodeMs,
    encodeMs,
    predictMs,
    decodeMs,
    firstClickMs,
    maxDelayMs: delay.max / 1e6,
  };
}
