import { InvalidArgumentError } from '../errors.js';
import { checkKnownKeys, invalidParameter, is } from '../validate.js';
import type { AmgOutputMode, GenerateMasksOptions } from './types.js';

const KNOWN: readonly (keyof GenerateMasksOptions)[] = [
  'pointsPerSide',
  'pointsPerBatch',
  'predIouThresh',
  'stabilityScoreThresh',
  'stabilityScoreOffset',
  'maskThreshold',
  'boxNmsThresh',
  'cropNLayers',
  'cropNmsThresh',
  'cropOverlapRatio',
  'cropNPointsDownscaleFactor',
  'pointGrids',
  'minMaskRegionArea',
  'useM2m',
  'multimask',
  'outputMode',
  'onProgress',
];
const MODES: readonly AmgOutputMode[] = ['binary', 'rle', 'coco-rle'];
// 4^8 crops in the last layer is already far beyond any use; the bound keeps the native loops sane.
const MAX_CROP_LAYERS = 8;

/** What the addon takes: the options with grids as Float64Arrays, no callback. */
export interface NativeAmgOptions {
  pointsPerSide?: number;
  pointGrids?: Float64Array[];
  pointsPerBatch: number;
  predIouThresh: number;
  stabilityScoreThresh: number;
  stabilityScoreOffset: number;
  maskThreshold: number;
  boxNmsThresh: number;
  cropNLayers: number;
  cropNmsThresh: number;
  cropOverlapRatio: number;
  cropNPointsDownscaleFactor: number;
  minMaskRegionArea: number;
  useM2m: boolean;
  multimask: boolean;
  outputMode: AmgOutputMode;
}

function number(options: Record<string, unknown>, key: string, fallback: number, min = -Infinity, max = Infinity): number {
  const v = options[key] ?? fallback;
  const expected = Number.isFinite(min) ? `a number in [${min}, ${max}]` : 'a finite number';
  if (!is.finite(v) || v < min || v > max) throw invalidParameter(key, expected, v);
  return v;
}

function integer(options: Record<string, unknown>, key: string, fallback: number, min: number, max: number): number {
  const v = options[key] ?? fallback;
  if (!is.int32(v) || v < min || v > max) throw invalidParameter(key, `an integer in [${min}, ${max}]`, v);
  return v;
}

function boolean(options: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = options[key] ?? fallback;
  if (!is.boolean(v)) throw invalidParameter(key, 'a boolean', v);
  return v;
}

function checkGrids(grids: unknown, layers: number): Float64Array[] {
  if (!Array.isArray(grids) || grids.length !== layers + 1) {
    throw invalidParameter('pointGrids', `an array of ${layers + 1} grid(s), one per crop layer`, grids);
  }
  return grids.map((grid: unknown, i) => {
    if (!Array.isArray(grid) || grid.length === 0) throw invalidParameter(`pointGrids[${i}]`, 'a non-empty array of [x, y]', grid);
    const out = new Float64Array(grid.length * 2);
    grid.forEach((p: unknown, j) => {
      if (!Array.isArray(p) || p.length !== 2 || !is.finite(p[0]) || !is.finite(p[1])) {
        throw invalidParameter(`pointGrids[${i}][${j}]`, '[x, y] with finite numbers', p);
      }
      out[2 * j] = p[0] as number;
      out[2 * j + 1] = p[1] as number;
    });
    return out;
  });
}

/**
 * Checks {@link GenerateMasksOptions} and fills in the official defaults.
 *
 * @throws {@link InvalidArgumentError} naming the option, for unknown keys too.
 */
export function checkGenerateMasksOptions(options: unknown): {
  native: NativeAmgOptions;
  onProgress?: (done: number, total: number) => void;
} {
  if (options === undefined) options = {};
  if (!is.object(options)) throw invalidParameter('options', 'an object', options);
  checkKnownKeys(options, KNOWN);
  const cropNLayers = integer(options, 'cropNLayers', 0, 0, MAX_CROP_LAYERS);
  const native: NativeAmgOptions = {
    pointsPerBatch: integer(options, 'pointsPerBatch', 64, 1, 65536),
    predIouThresh: number(options, 'predIouThresh', 0.8),
    stabilityScoreThresh: number(options, 'stabilityScoreThresh', 0.95),
    stabilityScoreOffset: number(options, 'stabilityScoreOffset', 1),
    maskThreshold: number(options, 'maskThreshold', 0),
    boxNmsThresh: number(options, 'boxNmsThresh', 0.7),
    cropNLayers,
    cropNmsThresh: number(options, 'cropNmsThresh', 0.7),
    cropOverlapRatio: number(options, 'cropOverlapRatio', 512 / 1500, 0, 1),
    cropNPointsDownscaleFactor: integer(options, 'cropNPointsDownscaleFactor', 1, 1, 1024),
    minMaskRegionArea: integer(options, 'minMaskRegionArea', 0, 0, 2 ** 31 - 1),
    useM2m: boolean(options, 'useM2m', false),
    multimask: boolean(options, 'multimask', true),
    outputMode: (options.outputMode ?? 'binary') as AmgOutputMode,
  };
  if (!MODES.includes(native.outputMode)) throw invalidParameter('outputMode', MODES.join(', '), options.outputMode);
  if (options.pointGrids !== undefined) {
    if (options.pointsPerSide !== undefined) {
      throw new InvalidArgumentError('pointGrids', 'give either pointsPerSide or pointGrids, not both');
    }
    native.pointGrids = checkGrids(options.pointGrids, cropNLayers);
  } else {
    native.pointsPerSide = integer(options, 'pointsPerSide', 32, 1, 1024);
    const factor = native.cropNPointsDownscaleFactor;
    if (Math.trunc(native.pointsPerSide / factor ** cropNLayers) < 1) {
      throw new InvalidArgumentError(
        'cropNPointsDownscaleFactor',
        `leaves no points in crop layer ${cropNLayers} (pointsPerSide ${native.pointsPerSide})`,
      );
    }
  }
  const { onProgress } = options;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw invalidParameter('onProgress', 'a function', onProgress);
  }
  return { native, onProgress: onProgress as ((done: number, total: number) => void) | undefined };
}
