// What `sam2-node segment` writes per mask: the file names, the PNG, and the summary --json prints.
import { writeFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { UsageError } from '../commands/command.js';
import { maskArea, maskBoundingBox } from '../output/geometry.js';
import { maskToPng } from '../output/png.js';
import { maskToRle } from '../output/rle.js';

/** One written mask, as --json prints it. */
export interface MaskResult {
  index: number;
  score: number;
  area: number;
  /** COCO [x, y, width, height]. */
  bbox: [number, number, number, number];
  segmentation: { size: [number, number]; counts: string };
  file: string;
}

/**
 * The paths to write: --out's stem (else IMAGE's name + "-mask" in the current directory) + each suffix + ".png",
 * and the overlay, stem + ".overlay.png". None may be the input image.
 */
export function maskOutputFiles(out: string | undefined, imagePath: string, suffixes: string[]) {
  if (out !== undefined && extname(out).toLowerCase() !== '.png') {
    throw new UsageError(`--out: expected a path ending in .png, got '${out}'`);
  }
  const stem = resolve(out === undefined ? `${basename(imagePath, extname(imagePath))}-mask` : out.slice(0, -4));
  const masks = suffixes.map((suffix) => `${stem}${suffix}.png`);
  const overlay = `${stem}.overlay.png`;
  if ([...masks, overlay].includes(imagePath)) {
    throw new UsageError(`--out: would overwrite the input image ${imagePath}`);
  }
  return { masks, overlay };
}

/** Writes a `width * height` mask to `file` as a PNG and summarises it. */
export async function writeMask(
  mask: Uint8Array,
  width: number,
  height: number,
  file: string,
  index: number,
  score: number,
): Promise<MaskResult> {
  await writeFile(file, await maskToPng(mask, width, height));
  return {
    index,
    score,
    area: maskArea(mask, width, height),
    bbox: maskBoundingBox(mask, width, height),
    segmentation: maskToRle(mask, width, height),
    file,
  };
}
