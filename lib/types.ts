import type { ImageEmbedding } from './embedding.js';

/** Where a model runs: the CPU, the default CUDA device, or CUDA device `n`. */
export type Device = 'cpu' | 'cuda' | `cuda:${number}`;

/** Floating-point type the model's weights and activations use on its device. */
export type DType = 'float32' | 'float16' | 'bfloat16';

/** Options of {@link Sam2Model.load}. */
export interface LoadOptions {
  /** Default `'cpu'`. */
  device?: Device;
  /** Default `'float32'`, the only type the parity tolerances hold for. */
  dtype?: DType;
  /** CPU threads a model call may use; default: every core (`os.availableParallelism()`). */
  threads?: number;
  /** Micro-batching of concurrent {@link Sam2Model.encodeImage} calls; default: none (see {@link BatchOptions}). */
  batch?: BatchOptions;
}

/**
 * How concurrent {@link Sam2Model.encodeImage} calls on one model are grouped into encoder calls. Whatever the
 * options, calls beyond what the device runs well at once wait in a queue (on a CPU: as many as the cores hold
 * calls of `threads` threads; on a GPU: one), and the results are the same as encoding each image alone.
 * On a CPU batches are no faster per image than single images (bench/: 2 cores), so the default is no batching.
 */
export interface BatchOptions {
  /** Most images per encoder call (default 1). */
  maxSize?: number;
  /** How long a first call on an idle model waits for others to join its batch, in ms (default 0). */
  maxWaitMs?: number;
}

/** What a loaded model is; read from the exported model directory. */
export interface ModelInfo {
  /** Side `S` of the square model input; images are resized to `S`×`S`. */
  readonly imageSize: number;
  /** Name of the SAM 2 configuration the model was exported from. */
  readonly name: string;
  /** Device the model was loaded on, e.g. `'cpu'` or `'cuda:0'`. */
  readonly device: string;
  readonly dtype: DType;
  /** CPU threads the model's work may use. */
  readonly threads: number;
  /** Side `L = S/4` of the low-resolution logits: {@link Prediction.lowResLogits}, {@link PredictOptions.maskInput}. */
  readonly lowResSize: number;
  /** Format version of the model directory's manifest. */
  readonly formatVersion: number;
  /** Version of the PyTorch that exported the model. */
  readonly torchVersion: string;
}

/** An image as interleaved 8-bit pixels, row-major, top row first. */
export interface ImageInput {
  /** `width * height * channels` bytes. Read, never kept or modified. */
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** 3 for RGB, 4 for RGBA (alpha is ignored). */
  channels: 3 | 4;
}

/** Prompts and output options of {@link Sam2Model.predict}. At least one of `points`, `box`, `maskInput` is needed. */
export interface PredictOptions {
  /** Clicks as `[x, y]` in original-image pixels. Points outside the image are allowed. */
  points?: [number, number][];
  /** One label per point: 1 positive (include), 0 negative (exclude). Required with `points`. */
  labels?: number[];
  /** `[x0, y0, x1, y1]` in original-image pixels, `x0 <= x1`, `y0 <= y1`. */
  box?: [number, number, number, number];
  /** Low-resolution logits of an earlier prediction (`L*L` values, one mask of {@link Prediction.lowResLogits}). */
  maskInput?: Float32Array;
  /** Return 3 candidate masks (default `true`); `false` returns the single best one. */
  multimask?: boolean;
  /** Also return the full-resolution logits in {@link Prediction.logits} (default `false`). */
  returnLogits?: boolean;
  /** Fill background holes of at most this many low-resolution pixels (default 0: off). */
  holeArea?: number;
  /** Remove foreground specks of at most this many low-resolution pixels (default 0: off). */
  sprinkleArea?: number;
}

/** One query of {@link Sam2Model.predictMany}: a prompt ({@link PredictOptions}) and the image it applies to. */
export interface PredictManyItem extends PredictOptions {
  /** The image's embedding, from the model that predicts. */
  embedding: ImageEmbedding;
}

/** Masks predicted for one prompt. */
export interface Prediction {
  /** Number of masks: 3 with `multimask`, else 1. */
  count: number;
  /** Original image width. */
  width: number;
  /** Original image height. */
  height: number;
  /** `count` masks of `height * width` bytes, 1 inside and 0 outside. */
  masks: Uint8Array;
  /** Predicted IoU of each mask. */
  scores: Float32Array;
  /** `count` maps of `lowResSize * lowResSize` logits, before hole filling; each can be fed back as `maskInput`. */
  lowResLogits: Float32Array;
  /** Side `L` of the low-resolution logits. */
  lowResSize: number;
  /** `count` maps of `height * width` logits (after hole filling); only with `returnLogits`. */
  logits?: Float32Array;
}

/** 8-connected components of a binary mask. */
export interface ConnectedComponents {
  /** Per pixel: 0 on background, else the component's label (> 0, the same for all its pixels). */
  labels: Int32Array;
  /** Per pixel: 0 on background, else the pixel count of its component. */
  areas: Int32Array;
  /** Number of components. */
  count: number;
}
