// Child process of the video suite (bench/video.mjs), alone in its process so that its peak RSS is the session's:
// one object tracked through a folder of frames by a VideoSession with its default frame cache.
// Prints {"loadedRssMiB", "peakRssMiB", "msPerFrame", "frames"} as JSON.
// Usage: node bench/video_memory.mjs --model DIR --frames DIR --threads N
import { parseArgs } from 'node:util';
import { Sam2Model } from '../dist/index.js';

const { values } = parseArgs({
  options: { model: { type: 'string' }, frames: { type: 'string' }, threads: { type: 'string' } },
});
const model = await Sam2Model.load(values.model, { threads: Number(values.threads) });
const loadedRssMiB = process.memoryUsage.rss() / 2 ** 20;
const session = await model.createVideoSession(values.frames);
const start = performance.now();
await session.addPoints({
  frame: 0,
  objectId: 1,
  points: [[session.width / 4, session.height / 2]],
  labels: [1],
});
let frames = 0;
for await (const result of session.propagate()) frames += result.objectIds.length > 0 ? 1 : 0;
const msPerFrame = (performance.now() - start) / frames;
session.dispose();
model.dispose();
// maxRSS is in KiB.
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ frames, loadedRssMiB, peakRssMiB, msPerFrame })}\n`);
