// Parity with Meta's official SAM2VideoPredictor (shared/parity/mini, sequences V1 and V2 with extension ops 5-6),
// through the public API only. Every output of every step is checked against the fixture's tolerances (README,
// "Sensitivity"): a miss is a bug to find, not a number to raise.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameResult, PropagateOptions, Sam2Model, VideoPointsOptions, VideoSession } from '../lib/index.js';
import { upsampleBilinear } from './helpers/bilinear.js';
import { maskIou, relL2 } from './helpers/compare.js';
import { referenceAreas } from './helpers/components.js';
import { loadTestModel, testDtype } from './helpers/model.js';
import { readBin, video, videoFramesDir, type VideoOp, type VideoResult } from './helpers/video_fixtures.js';

const MAX_REL_L2 = 1.5e-4;
const MIN_MASK_IOU = 0.9998;
const MAX_SCORE_DIFF = 1e-4;
const NO_OBJ_SCORE = -1024;

const [H, W] = video.frame_hw;

// The extension's correction (V2 op 5) is encoded into memory from its BINARISED mask. Four of its 78k mask pixels
// have official logits within 1e-4 of 0 (median |logit| 1.15), so float32 noise at the fixtures' own floor (3.2e-5
// on that frame, the README's float64 replay moves tracked frames by up to 4.8e-5) flips them, and the frames
// tracked from that memory (op 6, object 1) move by ~3e-4. Fed the official frame-5 output instead, the same
// pipeline lands at 4.3e-5 there (checked with the Python reference tracker over the same exported modules,
// which reproduces these numbers exactly). The V2 test checks that cause: these two outputs get a bound 2.5x the
// observed amplification only if the binarised masks differ, and only at pixels whose official logit is at the
// threshold. Every other output is held to the README's bar.
const AMPLIFIED = new Set(['op6 propagate f6 obj1', 'op6 propagate f7 obj1']);
const AMPLIFIED_MAX_REL_L2 = 8e-4;
const AMPLIFIED_MAX_SCORE_DIFF = 2.5e-4;
const CORRECTION_OP = 5;
// |official logit| below which a pixel's side of the threshold is float noise (the README's float64 replay moves
// logits by ~5e-5 relative to their median magnitude of ~1).
const AT_THRESHOLD = 1e-3;
let amplifiedAllowed = false;

interface Measured {
  step: string;
  relL2: number;
  iou: number;
  score: number;
}
const measured: Record<string, Measured[]> = { V1: [], V2: [] };

function objectSlice<T extends Uint8Array | Float32Array>(all: T, index: number, count: number): T {
  const size = all.length / count;
  return all.subarray(index * size, (index + 1) * size) as T;
}

function checkResult(sequence: string, label: string, actual: FrameResult, expected: VideoResult): void {
  expect(actual.frame).toBe(expected.frame_idx);
  expect(actual.objectIds).toEqual(expected.obj_ids);
  const n = actual.objectIds.length;
  expected.per_object.forEach((e, i) => {
    const step = `${label} f${expected.frame_idx} obj${e.obj_id}`;
    const mask = objectSlice(actual.masks, i, n);
    const logits = objectSlice(actual.lowResLogits, i, n);
    const iou = maskIou(mask, readBin(e.video_res_mask, 'uint8'));
    if (e.stored_in === null) {
      // No output for this object here: NO_OBJ_SCORE everywhere, as the official consolidation.
      expect(mask.every((v) => v === 0), step).toBe(true);
      expect(logits.every((v) => v === NO_OBJ_SCORE), step).toBe(true);
      expect(actual.objectScores[i], step).toBe(NO_OBJ_SCORE);
      return;
    }
    const m: Measured = {
      step,
      relL2: relL2(logits, readBin(e.low_res_logits!, 'float32')),
      iou,
      score: Math.abs(actual.objectScores[i] - e.object_score_logit!),
    };
    measured[sequence].push(m);
    const amplified = amplifiedAllowed && AMPLIFIED.has(step);
    expect.soft(m.relL2, step).toBeLessThanOrEqual(amplified ? AMPLIFIED_MAX_REL_L2 : MAX_REL_L2);
    expect.soft(m.iou, step).toBeGreaterThanOrEqual(MIN_MASK_IOU);
    expect.soft(m.score, step).toBeLessThanOrEqual(amplified ? AMPLIFIED_MAX_SCORE_DIFF : MAX_SCORE_DIFF);
  });
}

function pointsOptions(op: Extract<VideoOp, { op: 'add_new_points_or_box' }>): VideoPointsOptions {
  const a = op.args;
  const options: VideoPointsOptions = { frame: a.frame_idx, objectId: a.obj_id, clearOld: a.clear_old_points };
  if (a.points) options.points = a.points;
  if (a.labels) options.labels = a.labels;
  if (a.box) options.box = a.box;
  return options;
}

function propagateOptions(op: Extract<VideoOp, { op: 'propagate_in_video' }>): PropagateOptions {
  const a = op.args;
  const options: PropagateOptions = { reverse: a.reverse };
  if (a.start_frame_idx !== null) options.start = a.start_frame_idx;
  // The official max_frame_num_to_track=n yields n+1 frames.
  if (a.max_frame_num_to_track !== null) options.maxFrames = a.max_frame_num_to_track + 1;
  return options;
}

/** Replays a fixture sequence, checking every result the official produced; `afterAdd` sees each prompt's result. */
async function replay(
  session: VideoSession,
  sequence: 'V1' | 'V2',
  afterAdd: (index: number, result: FrameResult) => void = () => {},
): Promise<void> {
  for (const op of video.sequences[sequence].ops) {
    if (op.op === 'add_new_points_or_box') {
      const r = await session.addPoints(pointsOptions(op));
      checkResult(sequence, `op${op.index} add`, r, op.results[0]);
      afterAdd(op.index, r);
    } else {
      const results: FrameResult[] = [];
      for await (const r of session.propagate(propagateOptions(op))) results.push(r);
      expect(results.map((r) => r.frame)).toEqual(op.results.map((r) => r.frame_idx));
      results.forEach((r, i) => checkResult(sequence, `op${op.index} propagate`, r, op.results[i]));
    }
  }
}

/**
 * Pixels where the binarised S x S masks the memory encoder gets from `actual` and from the official result differ,
 * for object `index`; fails if any of them is not at the threshold.
 */
function binarisedFlips(actual: FrameResult, expected: VideoResult, index: number, size: number): number {
  const L = actual.lowResSize;
  const ours = upsampleBilinear(objectSlice(actual.lowResLogits, index, actual.objectIds.length), 1, L, L, size, size);
  const theirs = upsampleBilinear(readBin(expected.per_object[index].low_res_logits!, 'float32'), 1, L, L, size, size);
  let flips = 0;
  theirs.forEach((v, p) => {
    if (v > 0 !== ours[p] > 0) {
      flips++;
      expect(Math.abs(v), `pixel ${p}`).toBeLessThan(AT_THRESHOLD);
    }
  });
  return flips;
}

// The bars hold for float32 (on CUDA with TF32 off); 16-bit tracking has no calibrated tolerance yet.
describe.skipIf(testDtype !== 'float32')('video predictor parity', () => {
  let model: Sam2Model;

  beforeAll(async () => {
    model = await loadTestModel();
  });

  afterAll(() => {
    model?.dispose();
    for (const [sequence, rows] of Object.entries(measured)) {
      if (rows.length === 0) continue;
      const worst = (key: 'relL2' | 'score'): number => Math.max(...rows.map((r) => r[key]));
      const minIou = Math.min(...rows.map((r) => r.iou));
      console.log(
        `${sequence}: ${rows.length} outputs; max rel. L2 ${worst('relL2').toExponential(2)}, ` +
          `min mask IoU ${minIou.toFixed(6)}, max score diff ${worst('score').toExponential(2)}\n` +
          rows.map((r) => `  ${r.step}: relL2 ${r.relL2.toExponential(2)} IoU ${r.iou.toFixed(6)} score ${r.score.toExponential(2)}`).join('\n'),
      );
    }
  });

  it('V1: a click on frame 0, then propagation over the clip (frames read from the folder)', async () => {
    const session = await model.createVideoSession(videoFramesDir, { fillHoleArea: 0 });
    expect([session.frameCount, session.width, session.height]).toEqual([video.frames.length, W, H]);
    await replay(session, 'V1');
    expect(measured.V1).toHaveLength(9);
    session.dispose();
  });

  it('V2: two objects, a box, a negative-only conditioning frame, forward, reverse, a correction, forward again', async () => {
    const session = await model.createVideoSession(videoFramesDir, { fillHoleArea: 0 });
    const correction = video.sequences.V2.ops[CORRECTION_OP];
    await replay(session, 'V2', (index, result) => {
      if (index !== CORRECTION_OP) return;
      const flips = binarisedFlips(result, correction.results[0], 0, model.info.imageSize);
      expect(flips).toBeLessThanOrEqual(8);
      amplifiedAllowed = flips > 0;
    });
    // Outputs with a stored entry, ops 0-6: 1 + 1 + 1 + 16 + 16 + 2 + 4.
    expect(measured.V2).toHaveLength(41);
    session.dispose();
  });

  it('fillHoleArea 8 fills exactly the background components of at most 8 low-res pixels, in outputs only', async () => {
    // V2's forward pass has a 6-pixel hole in object 2 on frame 0.
    const ops = video.sequences.V2.ops.slice(0, 4);
    const run = async (fillHoleArea: number): Promise<FrameResult[]> => {
      const session = await model.createVideoSession(videoFramesDir, { fillHoleArea });
      const results: FrameResult[] = [];
      for (const op of ops) {
        if (op.op === 'add_new_points_or_box') results.push(await session.addPoints(pointsOptions(op)));
        else for await (const r of session.propagate(propagateOptions(op))) results.push(r);
      }
      session.dispose();
      return results;
    };
    const [raw, filled] = [await run(0), await run(8)];
    let filledPixels = 0;
    raw.forEach((r, k) => {
      const L = r.lowResSize;
      const n = r.objectIds.length;
      const expected = new Float32Array(r.lowResLogits);
      for (let i = 0; i < n; i++) {
        const logits = objectSlice(expected, i, n);
        const background = Uint8Array.from(logits, (v) => (v <= 0 ? 1 : 0));
        const { areas } = referenceAreas(background, L, L);
        logits.forEach((v, p) => {
          if (background[p] && areas[p] <= 8) {
            logits[p] = 0.1;
            filledPixels++;
          }
        });
      }
      // Memories never see the filling, so everything else stays bit-identical.
      expect(filled[k].lowResLogits).toEqual(expected);
      expect(filled[k].objectScores).toEqual(r.objectScores);
      const expectedMasks = Uint8Array.from(upsampleBilinear(expected, n, L, L, H, W), (v) => (v > 0 ? 1 : 0));
      expect(maskIou(filled[k].masks, expectedMasks)).toBeGreaterThanOrEqual(0.99999);
    });
    expect(filledPixels).toBeGreaterThanOrEqual(6);
  });
});
