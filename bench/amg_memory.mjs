// Child process of the amg suite (bench/amg.mjs), alone in its process so that its peak RSS is the generator's:
// generateMasks with every filter off (every mask kept) in one output mode, small decoder batches.
// Prints {"loadedRssMiB", "peakRssMiB", "masks", "seconds"} as JSON.
// Usage: node bench/amg_memory.mjs --model DIR --threads N --width W --height H --points-per-side N --mode MODE
import { parseArgs } from 'node:util';
import { Sam2Model } from '../dist/index.js';
import { syntheticImage } from './amg_image.mjs';

const { values } = parseArgs({
  options: Object.fromEntries(
    ['model', 'threads', 'width', 'height', 'points-per-side', 'mode'].map((k) => [k, { type: 'string' }]),
  ),
});
const model = await Sam2Model.load(values.model, { threads: Number(values.threads) });
const image = syntheticImage(Number(values.width), Number(values.height));
const loadedRssMiB = process.memoryUsage.rss() / 2 ** 20;
const start = performance.now();
const records = await model.generateMasks(image, {
  pointsPerSide: Number(values['points-per-side']),
  // Small decoder batches: the decoder's activations (gigabytes at 64 prompts of 1024 px) would otherwise set the
  // peak of both modes, and the allocator's cache keeps them, hiding what the kept masks cost.
  pointsPerBatch: 8,
  predIouThresh: 0,
  stabilityScoreThresh: 0,
  boxNmsThresh: 1,
  outputMode: values.mode,
});
const seconds = (performance.now() - start) / 1000;
model.dispose();
// maxRSS is in KiB.
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ loadedRssMiB, peakRssMiB, masks: records.length, seconds })}\n`);
