import type { CocoRle } from '../output/rle.js';

/** How {@link Sam2Model.generateMasks} returns each mask. */
export type AmgOutputMode = 'binary' | 'rle' | 'coco-rle';

/**
 * Options of {@link Sam2Model.generateMasks}: the official `SAM2AutomaticMaskGenerator`'s, in camelCase, with the
 * same defaults and meaning.
 */
export interface GenerateMasksOptions {
  /** Grid points per image side (`n * n` prompts); exclusive with `pointGrids`. Default 32. */
  pointsPerSide?: number;
  /** Prompts per decoder call: speed against memory, never the result. Default 64. */
  pointsPerBatch?: number;
  /** Keep masks whose predicted IoU is above this (0 turns the filter off). Default 0.8. */
  predIouThresh?: number;
  /** Keep masks whose stability score is at least this (0 turns the filter off). Default 0.95. */
  stabilityScoreThresh?: number;
  /** How far the stability score moves the logit cutoff either way. Default 1. */
  stabilityScoreOffset?: number;
  /** The logit above which a pixel is in the mask. Default 0. */
  maskThreshold?: number;
  /** Box IoU above which NMS drops the lower-scored of two masks of one crop (1 keeps all). Default 0.7. */
  boxNmsThresh?: number;
  /** Crop layers: layer i runs the grid again on (2^i)^2 overlapping crops, each encoded. Default 0. */
  cropNLayers?: number;
  /** Box IoU above which NMS drops duplicate masks between crops, preferring smaller crops. Default 0.7. */
  cropNmsThresh?: number;
  /** Crop overlap as a fraction of the image's short side (first layer; later layers overlap less). Default 512/1500. */
  cropOverlapRatio?: number;
  /** Layer i has `pointsPerSide / factor^i` points per side. Default 1. */
  cropNPointsDownscaleFactor?: number;
  /**
   * Explicit grids instead of `pointsPerSide`: one per crop layer (`cropNLayers + 1`), points as `[x, y]` in [0, 1]
   * of the crop.
   */
  pointGrids?: [number, number][][];
  /**
   * Holes and islands of at most this many low-resolution pixels are filled/removed before upsampling (what the
   * official SAM 2 generator does with it: the image predictor's hole and sprinkle fill). Default 0.
   */
  minMaskRegionArea?: number;
  /** One refinement step: each mask goes back in as a mask prompt with its point. Default false. */
  useM2m?: boolean;
  /** Three hypotheses per point (true) or one. Default true. */
  multimask?: boolean;
  /** Each record's `mask` ('binary'), or `rle` as uncompressed runs ('rle') or COCO's string ('coco-rle'). Default 'binary'. */
  outputMode?: AmgOutputMode;
  /**
   * Called after each decoder batch with the batches done and in all (all crops together); the last call, with
   * done = total, comes before the promise resolves. What it throws is reported as a process warning.
   */
  onProgress?: (done: number, total: number) => void;
}

/** The official uncompressed RLE: column-major runs, starting with a (possibly empty) background run. */
export interface UncompressedRle {
  /** `[height, width]`, COCO's order. */
  size: [number, number];
  counts: Uint32Array;
}

/** `[x, y, width, height]`. */
export type XywhBox = [number, number, number, number];

/** One generated mask: the official generator's record, in camelCase. */
export interface MaskRecord {
  /** `width * height` bytes, 1 inside, row-major (outputMode 'binary'). */
  mask?: Uint8Array;
  /** The mask as runs ('rle') or as COCO's compressed string ('coco-rle'). */
  rle?: UncompressedRle | CocoRle;
  /** Pixels in the mask. */
  area: number;
  /** The mask's box as the official gives it: `[x0, y0, x1 - x0, y1 - y0]` of the inclusive corners. */
  bbox: XywhBox;
  /** The model's own estimate of the mask's IoU. */
  predictedIou: number;
  /** IoU of the masks cut at `maskThreshold` +- `stabilityScoreOffset`. */
  stabilityScore: number;
  /** The grid point that prompted it, in image pixels. */
  pointCoords: [[number, number]];
  /** The crop it was found in, `[x, y, width, height]`. */
  cropBox: XywhBox;
}
