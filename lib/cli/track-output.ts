// What the track command writes for each frame: a mask PNG per object, an overlay frame, a JSON line.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { maskArea, maskBoundingBox } from '../output/geometry.js';
import { OVERLAY_PALETTE, renderOverlayPng, type Rgb } from '../output/overlay.js';
import { maskToPng } from '../output/png.js';
import { maskToRle } from '../output/rle.js';
import type { ImageInput } from '../types.js';
import type { FrameResult } from '../video/types.js';

export interface TrackOutputOptions {
  dir: string;
  overlay: boolean;
  json: boolean;
}

/** An object keeps its colour on every frame: the palette entry of its id. */
export function objectColor(id: number): Rgb {
  return OVERLAY_PALETTE[(id - 1) % OVERLAY_PALETTE.length];
}

export class TrackOutput {
  readonly masksDir: string;
  readonly overlayDir: string;
  readonly #o: TrackOutputOptions;
  readonly #made = new Set<string>();

  /** Whether {@link TrackOutput.write} needs the frame's pixels. */
  get needsImage(): boolean {
    return this.#o.overlay;
  }

  constructor(options: TrackOutputOptions) {
    this.#o = options;
    this.masksDir = join(options.dir, 'masks');
    this.overlayDir = join(options.dir, 'overlay');
  }

  /**
   * Writes one frame's outputs as `<name>.png`.
   * @param image - the frame's pixels; needed only with the overlay option.
   */
  async write(r: FrameResult, name: string, width: number, height: number, image?: ImageInput): Promise<void> {
    const size = width * height;
    const masks = r.objectIds.map((_, k) => r.masks.subarray(k * size, (k + 1) * size));
    await Promise.all(
      r.objectIds.map(async (id, k) => {
        const dir = await this.#dir(join(this.masksDir, String(id)));
        await writeFile(join(dir, `${name}.png`), await maskToPng(masks[k], width, height));
      }),
    );
    if (this.#o.overlay && image) {
      const dir = await this.#dir(this.overlayDir);
      const png = await renderOverlayPng(image, masks, { colors: r.objectIds.map(objectColor) });
      await writeFile(join(dir, `${name}.png`), png);
    }
    if (this.#o.json) {
      const objects = r.objectIds.map((id, k) => ({
        id,
        objectScore: r.objectScores[k],
        area: maskArea(masks[k], width, height),
        bbox: maskBoundingBox(masks[k], width, height),
        segmentation: maskToRle(masks[k], width, height),
      }));
      process.stdout.write(`${JSON.stringify({ frame: r.frame, name, width, height, objects })}\n`);
    }
  }

  async #dir(dir: string): Promise<string> {
    if (!this.#made.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.#made.add(dir);
    }
    return dir;
  }
}
