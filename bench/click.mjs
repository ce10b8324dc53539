// Click suite: the single click -> mask latency, sam2-node against onnxruntime-node in ONE process, interleaved: each
// round runs every measurement a few times in turn, so load that comes and goes on a shared machine falls on both
// sides alike. Besides wall time it reports CPU time per call (process.cpuUsage over the call, all threads: both
// sides' pools sleep when idle, see run.mjs), which other work on the machine hardly moves. CPU only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sam2Model } from '../dist/index.js';
import { decoderAlone, syntheticImage } from './image.mjs';
import { openOnnx } from './onnx_image.mjs';

const ROUNDS = 5;

/** Wall and CPU ms of each call of each measurement, rounds of `per` calls of every measurement in turn. */
async function interleaved(measurements, warmup, per) {
  const out = Object.fromEntries(Object.keys(measurements).map((name) => [name, { wall: [], cpu: [] }]));
  for (const run of Object.values(measurements)) for (let i = 0; i < warmup; i++) await run();
  globalThis.gc?.();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(measurements)) {
      for (let i = 0; i < per; i++) {
        const cpu = process.cpuUsage();
        const start = performance.now();
        await run();
        out[name].wall.push(performance.now() - start);
        const used = process.cpuUsage(cpu);
        out[name].cpu.push((used.user + used.system) / 1000);
      }
    }
  }
  return out;
}

async function run(opts) {
  if (opts.device !== 'cpu') return { rows: [] };
  const manifest = JSON.parse(readFileSync(join(opts.model, 'manifest.json'), 'utf8'));
  const size = manifest.imageSize;
  const image = syntheticImage(size);
  const prompt = { points: [[size / 2, size / 2]], labels: [1], multimask: true };
  const onnx = await openOnnx(opts, manifest, image, prompt);
  if (!onnx) return { rows: [] };
  const model = await Sam2Model.load(opts.model, { device: opts.device, dtype: opts.dtype, threads: opts.threads });
  const emb = await model.encodeImage(image);
  const decoder = await decoderAlone(model);
  const ortEmb = await onnx.encode();
  try {
    const t = await interleaved(
      {
        nodePredict: () => model.predict(emb, prompt),
        ortPredict: () => onnx.predict(ortEmb),
        nodeDecoder: decoder.run,
        ortDecoder: () => onnx.decodeOnly(ortEmb),
      },
      opts.warmup,
      Math.max(1, Math.ceil(opts.predictIters / ROUNDS)),
    );
    return {
      ort: onnx.version,
      rows: [
        { what: 'click, interleaved: predict', node: t.nodePredict.wall, ort: t.ortPredict.wall },
        { what: 'click, interleaved: prompt decoder alone', node: t.nodeDecoder.wall, ort: t.ortDecoder.wall },
        { what: 'click, interleaved: predict, CPU ms', node: t.nodePredict.cpu, ort: t.ortPredict.cpu },
        { what: 'click, interleaved: prompt decoder alone, CPU ms', node: t.nodeDecoder.cpu, ort: t.ortDecoder.cpu },
      ],
    };
  } finally {
    decoder.dispose();
    emb.dispose();
    model.dispose();
    await onnx.release();
  }
}

export const clickSuite = { name: 'click', run };
