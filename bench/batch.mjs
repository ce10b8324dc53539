// Batch suite: the detector case of issue 9, 64 boxes on one cached embedding, as one predictBatch call against
// 64 sequential predict calls (single-mask output, as a detector pipeline asks), in wall and CPU time. Node only:
// the ratio is the point, and the Python predictor has no batched-prompt path of its own to compare on the same
// exported files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Sam2Model } from '../dist/index.js';
import { syntheticImage } from './image.mjs';

const BOXES = 64;

/** An 8x8 grid of overlapping boxes of a quarter of the image side, like a detector's proposals. */
function gridBoxes(size) {
  const side = size / 4;
  const step = (size - side) / 7;
  return Array.from({ length: BOXES }, (_, i) => {
    const x = (i % 8) * step;
    const y = Math.floor(i / 8) * step;
    return [x, y, x + side, y + side];
  });
}

async function run(opts) {
  const size = JSON.parse(readFileSync(join(opts.model, 'manifest.json'), 'utf8')).imageSize;
  const model = await Sam2Model.load(opts.model, { device: opts.device, dtype: opts.dtype, threads: opts.threads });
  try {
    const embedding = await model.encodeImage(syntheticImage(size));
    const prompts = gridBoxes(size).map((box) => ({ box, multimask: false }));
    const sides = {
      sequential: async () => {
        for (const p of prompts) await model.predict(embedding, p);
      },
      batch: () => model.predictBatch(embedding, prompts),
    };
    // 64 predictions per sample: a few samples are as long as the predict rows' twenty. The sides alternate, so
    // that the load of a shared machine, which drifts over minutes, weighs on both alike; CPU time (all threads of
    // the process) is the steadier measure there, since wall time mostly says how much of the cores we were given.
    const iters = Math.max(3, Math.round(opts.iters / 2));
    const wall = { sequential: [], batch: [] };
    const cpu = { sequential: [], batch: [] };
    for (const fn of Object.values(sides)) await fn();
    globalThis.gc?.();
    for (let i = 0; i < iters; i++) {
      for (const [side, fn] of Object.entries(sides)) {
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        await fn();
        wall[side].push(performance.now() - start);
        const used = process.cpuUsage(cpuStart);
        cpu[side].push((used.user + used.system) / 1000 / BOXES);
      }
    }
    embedding.dispose();
    const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
    return {
      rows: [
        { what: `${BOXES} boxes: ${BOXES} sequential predict calls`, node: wall.sequential },
        { what: `${BOXES} boxes: one predictBatch call`, node: wall.batch },
        { what: `${BOXES} boxes: predictBatch / sequential (ratio, medians)`, node: median(wall.batch) / median(wall.sequential) },
        { what: `${BOXES} boxes: CPU ms per prompt, sequential predict calls`, node: cpu.sequential },
        { what: `${BOXES} boxes: CPU ms per prompt, one predictBatch call`, node: cpu.batch },
        { what: `${BOXES} boxes: CPU time, predictBatch / sequential (ratio, medians)`, node: median(cpu.batch) / median(cpu.sequential) },
      ],
    };
  } finally {
    model.dispose();
  }
}

export const batchSuite = { name: 'batch', run };
