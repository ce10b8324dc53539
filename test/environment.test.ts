// Settings the addon reads from the environment when it loads. This file runs in a process of its own (vitest's
// forks pool isolates files), so the addon is loaded here for the first time.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, Sam2Model } from '../lib/index.js';
import { relL2 } from './helpers/compare.js';
import { manifest, readBin, readImage } from './helpers/fixtures.js';
import { testModelDir, tolerance } from './helpers/model.js';

describe('SAM2_CPU_CACHE_MB', () => {
  it('rejects a load while it is not a whole number of MiB, naming it; a corrected value then loads', async () => {
    process.env.SAM2_CPU_CACHE_MB = '2G';
    const err = await Sam2Model.load(testModelDir()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).parameter).toBe('SAM2_CPU_CACHE_MB');
    expect((err as Error).message).toBe("SAM2_CPU_CACHE_MB: must be a whole number of MiB, got '2G'");

    // A small budget: blocks go back to the system as they are freed, and are mapped again; the numbers stay the
    // official ones, on every call.
    process.env.SAM2_CPU_CACHE_MB = '16';
    const model = await Sam2Model.load(testModelDir());
    const official = manifest.image_predictor.images.square.cases.find((c) => c.id === 'case1')!;
    try {
      for (let i = 0; i < 2; i++) {
        const embedding = await model.encodeImage(readImage('square'));
        const r = await model.predict(embedding, { points: [[154, 164]], labels: [1], multimask: true });
        expect(relL2(r.lowResLogits, readBin(official.low_res_masks, 'float32'))).toBeLessThanOrEqual(tolerance.relL2);
        embedding.dispose();
      }
    } finally {
      model.dispose();
    }
  });
});
