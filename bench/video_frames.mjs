// The video suite's synthetic clip, drawn identically by bench/python_video.py: a texture with three discs moving
// right, disc k pure in channel k. Integer arithmetic only, so both sides track identical pixels.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Centres of the three discs on frame `t` of a `size`-pixel clip: the objects' click points. */
export function discCenters(t, size) {
  return [0, 1, 2].map((k) => [Math.floor(((k + 1) * size) / 4) + Math.floor(((t % 16) * size) / 64), size >> 1]);
}

/** Frame `t` as a `size` x `size` RGB image. */
export function syntheticFrame(t, size) {
  const data = new Uint8Array(size * size * 3);
  const r = Math.floor(size / 12);
  const discs = discCenters(t, size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const k = discs.findIndex(([cx, cy]) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r);
      for (let c = 0; c < 3; c++) {
        data[(y * size + x) * 3 + c] = k < 0 ? (x + 2 * y + 85 * c) % 256 : c === k ? 255 : 30;
      }
    }
  }
  return { data, width: size, height: size, channels: 3 };
}

/** A folder of `count` JPEG frames (`00000.jpg`, ...) of the clip at `size` pixels under `cacheDir`, made once. */
export async function ensureFrameFolder(cacheDir, count, size) {
  const dir = join(cacheDir, `video-${size}px-${count}`);
  if (existsSync(dir) && readdirSync(dir).length === count) return dir;
  const { default: sharp } = await import('sharp');
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  for (let t = 0; t < count; t++) {
    const { data, width, height, channels } = syntheticFrame(t, size);
    await sharp(data, { raw: { width, height, channels } })
      .jpeg({ quality: 90 })
      .toFile(join(partial, `${String(t).padStart(5, '0')}.jpg`));
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return dir;
}
