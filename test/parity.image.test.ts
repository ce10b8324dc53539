// Parity with Meta's official SAM 2 image predictor (shared/parity/mini), through the public API only.
// Tolerances are the fixtures' (README "Sensitivity"): they sit well above float32 noise and well below a slip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedComponents, type ImageEmbedding, type Sam2Model } from '../lib/index.js';
import { upsampleBilinear } from './helpers/bilinear.js';
import { maxAbsDiff, relL2 } from './helpers/compare.js';
import { manifest, readBin, readImage, type BinEntry, type PredictCall } from './helpers/fixtures.js';
import { loadTestModel, tolerance } from './helpers/model.js';
import { case1Of, expectLogits, expectMasks, expectScores, fixtureOptions } from './helpers/parity.js';

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

describe('fixture decoding', () => {
  it('decodes square.png to the pixels behind the official preprocessed input', () => {
    // square.png is 512x512, so the official resize is the identity: input = (rgb/255 - mean) / std, CHW.
    const image = readImage('square');
    const input = readBin(manifest.image_predictor.images.square.preprocessed_input, 'float32');
    const plane = image.width * image.height;
    const expected = new Float32Array(3 * plane);
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) expected[c * plane + p] = (image.data[p * 3 + c] / 255 - MEAN[c]) / STD[c];
    }
    expect(maxAbsDiff(expected, input)).toBeLessThanOrEqual(1e-5);
  });

  it.each(Object.keys(manifest.image_predictor.images))('upsamples like torch: %s case1 low-res logits', (name) => {
    const fixture = manifest.image_predictor.images[name];
    const case1 = case1Of(fixture);
    const [h, w] = fixture.orig_hw;
    const [count, L] = case1.low_res_masks.shape;
    const upsampled = upsampleBilinear(readBin(case1.low_res_masks, 'float32'), count, L, L, h, w);
    expect(relL2(upsampled, readBin(case1.masks_logits as BinEntry, 'float32'))).toBeLessThanOrEqual(1e-6);
  });
});

describe.each(Object.keys(manifest.image_predictor.images))('image predictor parity: %s', (name) => {
  const fixture = manifest.image_predictor.images[name];
  const case1 = case1Of(fixture);
  let model: Sam2Model;
  let embedding: ImageEmbedding;

  const toOptions = (call: PredictCall) => fixtureOptions(call, fixture);

  beforeAll(async () => {
    model = await loadTestModel();
    embedding = await model.encodeImage(readImage(name));
  });
  afterAll(() => model?.dispose());

  it.each(fixture.cases.map((c) => [c.id, c] as const))('%s', async (_, c) => {
    const options = toOptions(c.call);
    // case1 also checks the full-size logits (return_logits=True in the official run).
    if (c.masks_logits) options.returnLogits = true;
    const r = await model.predict(embedding, options);
    const [count, h, w] = c.masks.shape;
    expect([r.count, r.height, r.width]).toEqual([count, h, w]);
    expectMasks(r.masks, c.masks);
    expectLogits(r.lowResLogits, c.low_res_masks);
    expectScores(r.scores, c.iou_predictions);
    if (c.masks_logits) expectLogits(r.logits, c.masks_logits);
  });

  it('holefill_case1 (holeArea and sprinkleArea 8)', async () => {
    const hf = fixture.holefill_case1;
    const r = await model.predict(embedding, {
      ...toOptions(case1.call),
      holeArea: hf.max_hole_area,
      sprinkleArea: hf.max_sprinkle_area,
      returnLogits: true,
    });
    expectMasks(r.masks, hf.masks);
    // The fixture saved the filled low-res logits; the API returns them upsampled, as `logits`.
    const [count, L] = hf.postprocessed_low_res_logits.shape;
    const lowRes = readBin(hf.postprocessed_low_res_logits, 'float32');
    const filled = upsampleBilinear(lowRes, count, L, L, r.height, r.width);
    expect(relL2(r.logits ?? new Float32Array(), filled)).toBeLessThanOrEqual(tolerance.relL2);
    // What the predictor returns as low-res logits and scores is unaffected by the filling.
    expectLogits(r.lowResLogits, case1.low_res_masks);
    expectScores(r.scores, case1.iou_predictions);
  });
});

describe('connected components parity', () => {
  it('reproduces the official kernel’s labels and areas', async () => {
    const cc = manifest.connected_components;
    const [height, width] = cc.input_mask.shape;
    const r = await connectedComponents(readBin(cc.input_mask, 'uint8'), width, height);
    expect(r.count).toBe(cc.n_components);
    expect(r.labels).toEqual(readBin(cc.labels, 'int32'));
    expect(r.areas).toEqual(readBin(cc.areas, 'int32'));
  });
});
