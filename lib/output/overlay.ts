// Masks tinted over their image with the prompts drawn on top: the picture a person checks a result with.
import { InvalidArgumentError } from '../errors.js';
import { checkImage } from '../image.js';
import { toNativePrompt } from '../prompt.js';
import type { ImageInput, PredictOptions } from '../types.js';
import { checkKnownKeys, invalidParameter, is, optionNames, type ByteArray } from '../validate.js';
import { checkMask } from './mask.js';
import { encodePng } from './png.js';

/** An 8-bit colour `[red, green, blue]`. */
export type Rgb = [number, number, number];

/** Mask colours used in order when {@link OverlayOptions.colors} is not given; the first is SAM's notebook blue. */
export const OVERLAY_PALETTE: readonly Rgb[] = Object.freeze([
  [30, 144, 255],
  [255, 140, 0],
  [220, 20, 160],
  [0, 200, 200],
  [150, 80, 255],
  [255, 215, 0],
  [120, 200, 60],
  [240, 70, 70],
] as Rgb[]);

/**
 * `count` distinct mask colours: {@link OVERLAY_PALETTE} first, then hues a golden angle apart, so that hundreds of
 * masks (segment everything) each get a colour of their own.
 */
export function maskColors(count: number): Rgb[] {
  return Array.from({ length: count }, (_, i) => {
    if (i < OVERLAY_PALETTE.length) return [...OVERLAY_PALETTE[i]] as Rgb;
    const hue = (i * 137.508) % 360;
    const lightness = 0.45 + 0.15 * ((i >> 3) % 3); // vary lightness too: hues alone run out of contrast
    return hsl(hue, 0.85, lightness);
  });
}

function hsl(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

const POSITIVE: Rgb = [0, 200, 0];
const NEGATIVE: Rgb = [230, 0, 0];
const BOX: Rgb = [0, 255, 0];
const RING: Rgb = [255, 255, 255];

/**
 * Options of {@link renderOverlay}. The prompt fields are those of {@link PredictOptions}, so a prompt can be drawn
 * as it was sent.
 */
export interface OverlayOptions extends Pick<PredictOptions, 'points' | 'labels' | 'box'> {
  /** One colour per mask; default {@link maskColors}: {@link OVERLAY_PALETTE} in order, then further hues. */
  colors?: Rgb[];
  /** Opacity of the tint, 0 to 1; default 0.5. */
  alpha?: number;
  /** Draw each mask's edge in its colour, fully opaque; default `true`. */
  outline?: boolean;
}

const OVERLAY_KEYS = optionNames<OverlayOptions>({
  points: true,
  labels: true,
  box: true,
  colors: true,
  alpha: true,
  outline: true,
});

/** Pixels {@link renderOverlay} returns: the input's size and channel count. */
export interface OverlayImage extends ImageInput {
  data: Uint8Array;
}

/**
 * Draws masks over an image: each mask tinted in its colour (outlined), then the box as a green rectangle and the
 * points as dots, green for positive (label 1) and red for negative (label 0).
 *
 * @param image - RGB or RGBA pixels; an RGBA image keeps its alpha channel.
 * @param masks - masks of `width * height` bytes (nonzero inside), drawn in order, later ones on top.
 * @returns new pixels; the input is not modified.
 */
export function renderOverlay(image: ImageInput, masks: ByteArray[], options: OverlayOptions = {}): OverlayImage {
  const { width, height, channels, data } = checkImage(image);
  if (!Array.isArray(masks)) throw invalidParameter('masks', 'an array of masks', masks);
  masks.forEach((m, i) => checkMask(m, width, height, `masks[${i}]`));
  if (!is.object(options)) throw invalidParameter('options', 'an object', options);
  checkKnownKeys(options, OVERLAY_KEYS);
  const colors = checkColors(options.colors, masks.length);
  const alpha = options.alpha ?? 0.5;
  if (!is.finite(alpha) || alpha < 0 || alpha > 1) throw invalidParameter('alpha', 'a number from 0 to 1', alpha);
  const outline = options.outline ?? true;
  if (!is.boolean(outline)) throw invalidParameter('outline', 'a boolean', outline);

  const out: OverlayImage = { data: Uint8Array.from(data), width, height, channels: channels as 3 | 4 };
  masks.forEach((mask, i) => {
    tint(out, mask, colors[i], alpha);
    if (outline) drawEdge(out, mask, colors[i]);
  });
  drawPrompt(out, options);
  return out;
}

/** {@link renderOverlay}, encoded as a PNG file's bytes. */
export async function renderOverlayPng(
  image: ImageInput,
  masks: ByteArray[],
  options: OverlayOptions = {},
): Promise<Buffer> {
  const out = renderOverlay(image, masks, options);
  return encodePng(out.data, out.width, out.height, out.channels);
}

function checkColors(colors: unknown, count: number): Rgb[] {
  if (colors === undefined) return maskColors(count);
  if (!Array.isArray(colors) || colors.length !== count) {
    throw invalidParameter('colors', `an array of ${count} [r, g, b] colours, one per mask`, colors);
  }
  colors.forEach((c: unknown, i) => {
    if (!Array.isArray(c) || c.length !== 3 || !c.every((v) => is.int32(v) && v >= 0 && v <= 255)) {
      throw new InvalidArgumentError('colors', `colour ${i} must be [r, g, b] with integers 0..255`);
    }
  });
  return colors as Rgb[];
}

function setPixel(img: OverlayImage, x: number, y: number, [r, g, b]: Rgb): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const p = (y * img.width + x) * img.channels;
  img.data[p] = r;
  img.data[p + 1] = g;
  img.data[p + 2] = b;
}

function tint(img: OverlayImage, mask: ByteArray, color: Rgb, alpha: number): void {
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const p = i * img.channels;
    for (let c = 0; c < 3; c++) img.data[p + c] = Math.round(img.data[p + c] * (1 - alpha) + color[c] * alpha);
  }
}

/** Mask pixels with a 4-neighbour outside the mask (the image border does not count as outside). */
function drawEdge(img: OverlayImage, mask: ByteArray, color: Rgb): void {
  const { width, height } = img;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      const edge =
        (x > 0 && !mask[i - 1]) ||
        (x < width - 1 && !mask[i + 1]) ||
        (y > 0 && !mask[i - width]) ||
        (y < height - 1 && !mask[i + width]);
      if (edge) setPixel(img, x, y, color);
    }
  }
}

function drawPrompt(img: OverlayImage, options: OverlayOptions): void {
  const { points, labels, box } = options;
  if (points === undefined && box === undefined) {
    if (labels !== undefined) throw new InvalidArgumentError('labels', 'given without points');
    return;
  }
  // The prompt checks of predict(); its layout puts the box corners (labels 2 and 3) first.
  const prompt = toNativePrompt({ points, labels, box }, 1, img);
  const side = Math.min(img.width, img.height);
  const radius = Math.max(5, Math.round(side / 80));
  const thickness = Math.max(2, Math.round(side / 300));
  for (let k = 0; k < prompt.labels.length; k++) {
    const x = Math.round(prompt.coords[2 * k]);
    const y = Math.round(prompt.coords[2 * k + 1]);
    const label = prompt.labels[k];
    if (label === 2) {
      const x1 = Math.round(prompt.coords[2 * k + 2]);
      const y1 = Math.round(prompt.coords[2 * k + 3]);
      drawRectangle(img, x, y, x1, y1, thickness);
      k++;
    } else {
      drawDot(img, x, y, radius, label === 1 ? POSITIVE : NEGATIVE);
    }
  }
}

function drawRectangle(img: OverlayImage, x0: number, y0: number, x1: number, y1: number, thickness: number): void {
  for (let t = 0; t < thickness; t++) {
    for (let x = x0 - t; x <= x1 + t; x++) {
      setPixel(img, x, y0 - t, BOX);
      setPixel(img, x, y1 + t, BOX);
    }
    for (let y = y0 - t; y <= y1 + t; y++) {
      setPixel(img, x0 - t, y, BOX);
      setPixel(img, x1 + t, y, BOX);
    }
  }
}

/** A filled disc with a white ring, visible on any background. */
function drawDot(img: OverlayImage, cx: number, cy: number, radius: number, color: Rgb): void {
  const ring = radius + Math.max(1, Math.round(radius / 3));
  for (let dy = -ring; dy <= ring; dy++) {
    for (let dx = -ring; dx <= ring; dx++) {
      const d2 = dx * dx + dy * dy;
      if (d2 <= radius * radius) setPixel(img, cx + dx, cy + dy, color);
      else if (d2 <= ring * ring) setPixel(img, cx + dx, cy + dy, RING);
    }
  }
}
