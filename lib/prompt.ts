import { InvalidArgumentError } from './errors.js';
import type { NativePrompt } from './native.js';
import type { PredictOptions } from './types.js';
import { checkKnownKeys, describe, invalidParameter, is, optionNames } from './validate.js';

// Labels the official prompt encoder gives to the two corners of a box.
const BOX_TOP_LEFT = 2;
const BOX_BOTTOM_RIGHT = 3;

/**
 * Most points in one prompt. SAM 2 was trained with one click and up to 7 correction clicks per object, so
 * interactive prompts hold a handful; 256 leaves room for generated ones while a prompt costs at most about twice
 * one click. The decoder's cost grows with the square of the count beyond that (tiny model, 2 shared cores: 1 point
 * 0.17-0.2 s, 256 points 0.28-0.31 s, 1024 points 1.2 s; 20,000 points took 54 s).
 */
export const MAX_PROMPT_POINTS = 256;

// The prompt goes to the addon as float32: a larger coordinate would become Infinity there.
const FLOAT32_MAX = 3.4028234663852886e38;

/** The keys of {@link PredictOptions}. */
export const PREDICT_OPTION_KEYS = optionNames<PredictOptions>({
  points: true,
  labels: true,
  box: true,
  maskInput: true,
  multimask: true,
  returnLogits: true,
  holeArea: true,
  sprinkleArea: true,
});

/** The image a prompt is given on; a box is clipped to it. */
export interface PromptBounds {
  width: number;
  height: number;
}

/** Checks {@link PredictOptions} and lays the prompt out as the addon takes it, the box clipped to `bounds`. */
export function toNativePrompt(options: unknown, lowResSize: number, bounds: PromptBounds): NativePrompt {
  if (!is.object(options)) throw invalidParameter('options', 'an object with points, box or maskInput', options);
  checkKnownKeys(options, PREDICT_OPTION_KEYS);
  const { points, labels, box, maskInput } = options;
  const clicks = points === undefined ? [] : checkPoints(points);
  const clickLabels = checkLabels(labels, points === undefined ? undefined : clicks.length);
  const corners = box === undefined ? undefined : clipBox(checkBox(box), bounds);
  const mask = maskInput === undefined ? null : checkMaskInput(maskInput, lowResSize);
  if (clicks.length === 0 && !corners && !mask) {
    throw new InvalidArgumentError('options', 'at least one of points, box or maskInput is required');
  }

  // The official predictor places box corners before the clicks.
  const n = clicks.length + (corners ? 2 : 0);
  const coords = new Float32Array(n * 2);
  const codes = new Int32Array(n);
  let k = 0;
  if (corners) {
    coords.set(corners);
    codes[0] = BOX_TOP_LEFT;
    codes[1] = BOX_BOTTOM_RIGHT;
    k = 2;
  }
  clicks.forEach(([x, y], i) => {
    coords[(k + i) * 2] = x;
    coords[(k + i) * 2 + 1] = y;
    codes[k + i] = clickLabels[i];
  });

  return {
    coords,
    labels: codes,
    maskInput: mask,
    multimask: checkBoolean(options.multimask, 'multimask', true),
    returnLogits: checkBoolean(options.returnLogits, 'returnLogits', false),
    holeArea: checkArea(options.holeArea, 'holeArea'),
    sprinkleArea: checkArea(options.sprinkleArea, 'sprinkleArea'),
  };
}

function checkPoints(points: unknown): [number, number][] {
  if (!Array.isArray(points)) throw invalidParameter('points', 'an array of [x, y] pairs', points);
  if (points.length > MAX_PROMPT_POINTS) {
    throw new InvalidArgumentError('points', `at most ${MAX_PROMPT_POINTS} points per prompt, got ${points.length}`);
  }
  // Index loops, not forEach/every: those skip the holes of sparse arrays.
  for (let i = 0; i < points.length; i++) {
    const p: unknown = points[i];
    if (!Array.isArray(p) || p.length !== 2 || !isCoordinate(p[0]) || !isCoordinate(p[1])) {
      throw new InvalidArgumentError('points', `point ${i} must be [x, y] with finite float32 numbers, got ${show(p)}`);
    }
  }
  return points as [number, number][];
}

function checkLabels(labels: unknown, pointCount: number | undefined): number[] {
  if (pointCount === undefined) {
    if (labels !== undefined) throw new InvalidArgumentError('labels', 'given without points');
    return [];
  }
  if (!Array.isArray(labels)) throw invalidParameter('labels', `an array of ${pointCount} labels (0 or 1)`, labels);
  if (labels.length !== pointCount) {
    throw new InvalidArgumentError('labels', `expected ${pointCount} labels, one per point, got ${labels.length}`);
  }
  for (let i = 0; i < labels.length; i++) {
    const l: unknown = labels[i];
    if (l !== 0 && l !== 1) throw new InvalidArgumentError('labels', `label ${i} must be 0 or 1, got ${show(l)}`);
  }
  return labels as number[];
}

function checkBox(box: unknown): [number, number, number, number] {
  if (!Array.isArray(box) || box.length !== 4 || ![0, 1, 2, 3].every((i) => is.finite(box[i]))) {
    throw invalidParameter('box', '[x0, y0, x1, y1] with finite numbers', box);
  }
  const [x0, y0, x1, y1] = box as [number, number, number, number];
  if (x0 > x1 || y0 > y1) throw new InvalidArgumentError('box', `expected x0 <= x1 and y0 <= y1, got ${show(box)}`);
  return [x0, y0, x1, y1];
}

// A box means "the object is in here": the part outside the image says nothing more, and unclipped corners far
// outside would be drawn pixel by pixel and reach the prompt encoder as meaningless (or infinite) coordinates.
function clipBox(
  [x0, y0, x1, y1]: [number, number, number, number],
  { width, height }: PromptBounds,
): [number, number, number, number] {
  if (x0 > width || y0 > height || x1 < 0 || y1 < 0) {
    throw new InvalidArgumentError('box', `[${x0}, ${y0}, ${x1}, ${y1}] lies outside the ${width}x${height} image`);
  }
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  return [clip(x0, width), clip(y0, height), clip(x1, width), clip(y1, height)];
}

function isCoordinate(v: unknown): v is number {
  return is.finite(v) && Math.abs(v) <= FLOAT32_MAX;
}

function checkMaskInput(mask: unknown, lowResSize: number): Float32Array {
  const size = lowResSize * lowResSize;
  if (!(mask instanceof Float32Array) || mask.length !== size) {
    throw invalidParameter('maskInput', `a Float32Array of ${lowResSize}*${lowResSize} = ${size} logits`, mask);
  }
  if (!is.allFinite(mask)) throw new InvalidArgumentError('maskInput', 'contains NaN or infinite values');
  return mask;
}

function checkBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (!is.boolean(value)) throw invalidParameter(name, 'a boolean', value);
  return value;
}

function checkArea(value: unknown, name: string): number {
  if (value === undefined) return 0;
  if (!is.nonNegativeInt32(value)) throw invalidParameter(name, 'a non-negative integer (pixels)', value);
  return value;
}

function show(v: unknown): string {
  return Array.isArray(v) && v.length <= 4 ? `[${v.map((x) => describe(x)).join(', ')}]` : describe(v);
}
