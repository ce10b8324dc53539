// Batch suite: the detector case of issue 9, 64 boxes on one cached embedding, as one predictBatch call against
// 64 sequential predict calls (single-mask output, as a detector pipeline asks). Node only: the ratio is the
// point, and the Python predictor has no batched-prompt path of its own to compare on the same exported files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sam2Model } from '../dist/index.js';
import { timed } from './measure.mjs';
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
    const sequential = async () => {
      for (const p of prompts) await model.predict(embedding, p);
    };
    // 64 predictions per sample: a few samples are as long as the predict rows' twenty.
    const iters = Math.max(3, Math.round(opts.iters / 2));
    const sequentialMs = await timed(sequential, 1, iters);
    const batchMs = await timed(() => model.predictBatch(embedding, prompts), 1, iters);
    embedding.dispose();
    const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
    return {
      rows: [
        { what: `${BOXES} boxes: ${BOXES} sequential predict calls`, node: sequentialMs },
        { what: `${BOXES} boxes: one predictBatch call`, node: batchMs },
        { what: `${BOXES} boxes: predictBatch / sequential (ratio, medians)`, node: median(batchMs) / median(sequentialMs) },
      ],
    };
  } finally {
    model.dispose();
  }
}

export const batchSuite = { name: 'batch', run };
