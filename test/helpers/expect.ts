import { expect } from 'vitest';
import { InvalidArgumentError, ModelLoadError, Sam2Model, type Prediction } from '../../lib/index.js';
import { differingFraction, maxAbsDiff, relL2 } from './compare.js';

/**
 * Two runs of the same prediction agree: identical masks, logits and scores equal up to float noise (the
 * same computation may be split across threads differently).
 */
export function expectSamePrediction(actual: Prediction, expected: Prediction): void {
  expect([actual.count, actual.width, actual.height]).toEqual([expected.count, expected.width, expected.height]);
  expect(differingFraction(actual.masks, expected.masks)).toBe(0);
  expect(relL2(actual.lowResLogits, expected.lowResLogits)).toBeLessThanOrEqual(1e-6);
  expect(maxAbsDiff(actual.scores, expected.scores)).toBeLessThanOrEqual(1e-6);
}

/** Asserts that `call` rejects with an InvalidArgumentError for `parameter`, named first in the message. */
export async function expectInvalid(call: () => Promise<unknown>, parameter: string): Promise<void> {
  const err = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected a rejection for ${parameter}`).toBeInstanceOf(InvalidArgumentError);
  expect((err as InvalidArgumentError).parameter).toBe(parameter);
  expect((err as InvalidArgumentError).message.startsWith(`${parameter}: `)).toBe(true);
}

/** The error Sam2Model.load rejects with for `dir`, a ModelLoadError; fails the test if the model loads. */
export async function loadError(dir: string): Promise<Error> {
  const err = await Sam2Model.load(dir).then(
    (model) => {
      model.dispose();
      throw new Error(`${dir} loaded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelLoadError);
  return err as Error;
}
