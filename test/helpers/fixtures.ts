// Typed access to the parity fixtures: manifest.json and its raw little-endian .bin arrays.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parityDir } from './paths.js';
import { decodePng, type DecodedImage } from './png.js';

interface Arrays {
  uint8: Uint8Array;
  int32: Int32Array;
  float32: Float32Array;
}

export interface BinEntry {
  file: string;
  dtype: keyof Arrays;
  shape: number[];
}

export interface PredictCall {
  point_coords: [number, number][] | null;
  point_labels: number[] | null;
  box: [number, number, number, number] | null;
  multimask_output: boolean;
  /** A description: case5's mask input is case1's low-res logits at argmax(IoU). */
  mask_input: string | null;
  return_logits: boolean;
}

export interface PredictCase {
  id: string;
  call: PredictCall;
  masks: BinEntry;
  iou_predictions: BinEntry;
  low_res_masks: BinEntry;
  masks_logits?: BinEntry;
}

export interface HoleFillCase {
  max_hole_area: number;
  max_sprinkle_area: number;
  masks: BinEntry;
  postprocessed_low_res_logits: BinEntry;
}

export interface ImageFixture {
  image: string;
  orig_hw: [number, number];
  preprocessed_input: BinEntry;
  cases: PredictCase[];
  holefill_case1: HoleFillCase;
}

export interface ParityManifest {
  image_predictor: { images: Record<string, ImageFixture> };
  connected_components: { input_mask: BinEntry; areas: BinEntry; labels: BinEntry; n_components: number };
}

export const manifest = JSON.parse(readFileSync(join(parityDir, 'manifest.json'), 'utf8')) as ParityManifest;

const CONSTRUCTORS = { uint8: Uint8Array, int32: Int32Array, float32: Float32Array };

/** Reads a fixture array, checking its dtype and that its size matches its shape. */
export function readBin<D extends keyof Arrays>(entry: BinEntry, dtype: D): Arrays[D] {
  if (entry.dtype !== dtype) throw new Error(`${entry.file} holds ${entry.dtype}, not ${dtype}`);
  const bytes = readFileSync(join(parityDir, entry.file));
  // Copy into a fresh, aligned buffer: readFileSync's Buffer may sit at any offset of a shared pool.
  const Ctor = CONSTRUCTORS[dtype];
  const array = new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as Arrays[D];
  const expected = entry.shape.reduce((a, b) => a * b, 1);
  if (array.length !== expected) throw new Error(`${entry.file}: ${array.length} values, shape says ${expected}`);
  return array;
}

/** A fixture image, decoded to the RGB bytes the public API takes. */
export function readImage(name: string): DecodedImage {
  return decodePng(readFileSync(join(parityDir, manifest.image_predictor.images[name].image)));
}

/** One item of a stack of `count` equally sized arrays. */
export function slice<T extends Float32Array | Uint8Array>(stack: T, index: number, count: number): T {
  const size = stack.length / count;
  return stack.subarray(index * size, (index + 1) * size) as T;
}
