// A child process for the tracker memory test: tracks a long ping-pong stream of the fixture frames with the
// compiled package and prints {"frame", "rss"} samples after a GC. Run with --expose-gc and glibc's
// MALLOC_MMAP_THRESHOLD_ small enough that every stored tensor is its own mapping, so rss follows live memory.
// argv: packageEntry modelDir framesDir mode (tracker|session) frames
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const [packageEntry, modelDir, framesDir, mode, count] = process.argv.slice(2);
const { Sam2Model } = await import(packageEntry);
const sharp = (await import('sharp')).default;

const files = readdirSync(framesDir).sort();
const frames = await Promise.all(
  files.map(async (f) => {
    const { data, info } = await sharp(join(framesDir, f)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
  }),
);
const period = 2 * (frames.length - 1);
const frameAt = (k) => frames[k % period < frames.length ? k % period : period - (k % period)];
const total = Number(count);
const click = { frame: 0, objectId: 1, points: [[150, 170]], labels: [1] };

const sample = (frame) => {
  globalThis.gc();
  console.log(JSON.stringify({ frame, rss: process.memoryUsage().rss }));
};

const model = await Sam2Model.load(modelDir);
if (mode === 'tracker') {
  const tracker = model.createTracker();
  await tracker.track(frames[0]);
  await tracker.addPoints(click);
  for (let k = 1; k < total; k++) {
    await tracker.track(frameAt(k));
    if (k % 10 === 0) sample(k);
  }
} else {
  // The official state, which keeps every frame's memory: the control that shows the measure sees growth.
  const session = await model.createVideoSession(Array.from({ length: total }, (_, k) => frameAt(k)), {
    maxCachedFrames: 1,
  });
  await session.addPoints(click);
  for await (const r of session.propagate()) if (r.frame % 10 === 0 && r.frame > 0) sample(r.frame);
}
model.dispose();
