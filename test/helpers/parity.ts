// The image parity checks shared by the predict and predictBatch suites: fixture calls as public API options, and
// the fixtures' tolerances (README "Sensitivity").
import { expect } from 'vitest';
import type { PredictOptions } from '../../lib/index.js';
import { differingFraction, maxAbsDiff, relL2 } from './compare.js';
import { readBin, slice, type BinEntry, type ImageFixture, type PredictCall, type PredictCase } from './fixtures.js';
import { tolerance } from './model.js';

export function expectMasks(actual: Uint8Array, entry: BinEntry): void {
  expect(differingFraction(actual, readBin(entry, 'uint8'))).toBeLessThanOrEqual(tolerance.maskFraction);
}

export function expectLogits(actual: Float32Array | undefined, entry: BinEntry): void {
  expect(actual).toBeInstanceOf(Float32Array);
  expect(relL2(actual ?? new Float32Array(), readBin(entry, 'float32'))).toBeLessThanOrEqual(tolerance.relL2);
}

export function expectScores(actual: Float32Array, entry: BinEntry): void {
  expect(maxAbsDiff(actual, readBin(entry, 'float32'))).toBeLessThanOrEqual(tolerance.score);
}

export function case1Of(fixture: ImageFixture): PredictCase {
  return fixture.cases.find((c) => c.id === 'case1') as PredictCase;
}

function argmax(values: Float32Array): number {
  return values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
}

/** An official call as public API options; the mask input is the official case-1 best mask. */
export function fixtureOptions(call: PredictCall, fixture: ImageFixture): PredictOptions {
  const options: PredictOptions = { multimask: call.multimask_output, returnLogits: call.return_logits };
  if (call.point_coords) options.points = call.point_coords;
  if (call.point_labels) options.labels = call.point_labels;
  if (call.box) options.box = call.box;
  if (call.mask_input !== null) {
    const case1 = case1Of(fixture);
    const count = case1.low_res_masks.shape[0];
    const best = argmax(readBin(case1.iou_predictions, 'float32'));
    options.maskInput = slice(readBin(case1.low_res_masks, 'float32'), best, count);
  }
  return options;
}
