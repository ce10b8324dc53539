// VideoSession behaviour beyond the parity sequences: every prompt kind, object management, propagation controls,
// frame sources and their failures, concurrency, validation. The fixture clip: 8 frames of 512x512.
import { copyFile, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DisposedError,
  InvalidArgumentError,
  Sam2Error,
  type FrameResult,
  type ImageInput,
  type Sam2Model,
  type VideoSession,
} from '../lib/index.js';
import { loadTestModel } from './helpers/model.js';
import { readVideoFrames, video, videoFramesDir } from './helpers/video_fixtures.js';

const click = { frame: 0, objectId: 1, points: [[150, 170]] as [number, number][], labels: [1] };
const box = { frame: 0, objectId: 2, box: [279, 235, 405, 361] as [number, number, number, number] };

async function collect(iterable: AsyncIterable<FrameResult>): Promise<FrameResult[]> {
  const results: FrameResult[] = [];
  for await (const r of iterable) results.push(r);
  return results;
}

function maskOf(r: FrameResult, objectId: number, pixels: number): Uint8Array {
  const i = r.objectIds.indexOf(objectId);
  return r.masks.subarray(i * pixels, (i + 1) * pixels);
}

const area = (mask: Uint8Array): number => mask.reduce((a, v) => a + v, 0);

function expectSameResult(a: FrameResult, b: FrameResult): void {
  expect([a.frame, a.objectIds]).toEqual([b.frame, b.objectIds]);
  expect(a.masks).toEqual(b.masks);
  expect(a.lowResLogits).toEqual(b.lowResLogits);
  expect(a.objectScores).toEqual(b.objectScores);
}

describe('VideoSession', () => {
  let model: Sam2Model;
  let frames: ImageInput[];
  let session: VideoSession;
  let tmp: string;
  const pixels = 512 * 512;

  beforeAll(async () => {
    model = await loadTestModel();
    frames = readVideoFrames();
    session = await model.createVideoSession(frames);
    tmp = await mkdtemp(join(tmpdir(), 'sam2-video-'));
  });
  afterAll(async () => {
    session?.dispose();
    model?.dispose();
    await rm(tmp, { recursive: true, force: true });
  });

  /** A folder of the fixture frames, named `<n>.png`, for tests that break one of them. */
  async function frameFolder(name: string): Promise<string> {
    const dir = join(tmp, name);
    await mkdir(dir);
    await Promise.all(video.frames.map((file, i) => copyFile(join(videoFramesDir, basename(file)), join(dir, `${i}.png`))));
    return dir;
  }

  it('describes the clip and starts without objects', () => {
    expect([session.frameCount, session.width, session.height]).toEqual([8, 512, 512]);
    expect(session.objectIds).toEqual([]);
  });

  it('segments a click, then a second object with a box, with every object in each result', async () => {
    await session.reset();
    const first = await session.addPoints(click);
    expect(first.objectIds).toEqual([1]);
    expect(first.masks.length).toBe(pixels);
    expect(first.lowResLogits.length).toBe(first.lowResSize * first.lowResSize);
    expect(first.objectScores[0]).toBeGreaterThan(0);
    const second = await session.addPoints(box);
    expect(second.objectIds).toEqual([1, 2]);
    expect(area(maskOf(second, 2, pixels))).toBeGreaterThan(0);
    // Object 1's mask on frame 0 is unchanged by object 2's prompt.
    expect(maskOf(second, 1, pixels)).toEqual(maskOf(first, 1, pixels));
    expect(session.objectIds).toEqual([1, 2]);
  });

  it('propagates forward, reverse, from a start frame and for at most maxFrames frames', async () => {
    await session.reset();
    await session.addPoints({ ...click, frame: 3 });
    const forward = await collect(session.propagate());
    expect(forward.map((r) => r.frame)).toEqual([3, 4, 5, 6, 7]);
    const reverse = await collect(session.propagate({ reverse: true }));
    expect(reverse.map((r) => r.frame)).toEqual([3, 2, 1, 0]);
    expect(forward[0].lowResLogits).toEqual(reverse[0].lowResLogits); // the conditioning frame is re-yielded
    const some = await collect(session.propagate({ start: 5, maxFrames: 2 }));
    expect(some.map((r) => r.frame)).toEqual([5, 6]);
    // As the official, a reverse pass from frame 0 yields nothing.
    expect(await collect(session.propagate({ start: 0, reverse: true }))).toEqual([]);
    expect(await collect(session.propagate({ maxFrames: 0 }))).toEqual([]);
  });

  it('corrects a tracked frame with a click, and the correction carries forward', async () => {
    await session.reset();
    await session.addPoints(click);
    const tracked = await collect(session.propagate());
    const corrected = await session.addPoints({ frame: 5, objectId: 1, points: [[260, 215]], labels: [0], clearOld: false });
    expect(corrected.lowResLogits).not.toEqual(tracked[5].lowResLogits);
    const after = await collect(session.propagate({ start: 6 }));
    expect(after[0].lowResLogits).not.toEqual(tracked[6].lowResLogits);
  });

  it('adds clicks to a frame with clearOld: false and replaces them by default', async () => {
    await session.reset();
    const one = await session.addPoints(click);
    const two = await session.addPoints({ ...click, points: [[330, 140]], labels: [0], clearOld: false });
    const replaced = await session.addPoints({ ...click, points: [[330, 140]], labels: [0] });
    expect(two.lowResLogits).not.toEqual(one.lowResLogits);
    expect(replaced.lowResLogits).not.toEqual(two.lowResLogits);
  });

  it('takes a mask as the output of its frame and tracks it', async () => {
    await session.reset();
    // A disc around the striped disc of frame 0.
    const mask = Uint8Array.from({ length: pixels }, (_, i) => ((i % 512) - 150) ** 2 + (Math.floor(i / 512) - 170) ** 2 < 60 ** 2 ? 1 : 0);
    const r = await session.addMask({ frame: 0, objectId: 7, mask });
    expect(r.objectIds).toEqual([7]);
    expect(r.objectScores[0]).toBe(10);
    // Low-res +-10 logits of the mask, upsampled: the mask up to its edges.
    const m = maskOf(r, 7, pixels);
    const differing = m.reduce((n, v, i) => n + (v !== mask[i] ? 1 : 0), 0);
    expect(differing / area(mask)).toBeLessThan(0.02);
    const tracked = await collect(session.propagate({ maxFrames: 3 }));
    expect(tracked.map((t) => t.objectScores[0] > 0)).toEqual([true, true, true]);
    const empty = await session.addMask({ frame: 4, objectId: 8, mask: new Uint8Array(pixels) });
    expect(empty.objectScores[1]).toBe(-10);
    expect(area(maskOf(empty, 8, pixels))).toBe(0);
  });

  it('removes objects and resets', async () => {
    await session.reset();
    await session.addPoints(click);
    await session.addPoints(box);
    await session.removeObject(99); // unknown: ignored
    await session.removeObject(1);
    expect(session.objectIds).toEqual([2]);
    const [r] = await collect(session.propagate({ maxFrames: 1 }));
    expect(r.objectIds).toEqual([2]);
    await session.reset();
    expect(session.objectIds).toEqual([]);
    await expect(collect(session.propagate())).rejects.toThrow(/no objects to track/);
    // A fresh start gives what a fresh session gives.
    const again = await session.addPoints(click);
    const fresh = await model.createVideoSession(frames);
    expectSameResult(again, await fresh.addPoints(click));
    fresh.dispose();
  });

  it('aborts a propagation with an AbortError and stays usable', async () => {
    await session.reset();
    await session.addPoints(click);
    const controller = new AbortController();
    const seen: number[] = [];
    const run = (async () => {
      for await (const r of session.propagate({ signal: controller.signal })) {
        seen.push(r.frame);
        if (r.frame === 2) controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([0, 1, 2]);
    // Aborted while a frame is computed: the pending next() rejects at once.
    const late = new AbortController();
    const iterator = session.propagate({ start: 3, signal: late.signal });
    const pending = iterator.next();
    late.abort(new Error('stop'));
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', cause: new Error('stop') });
    const before = new AbortController();
    before.abort();
    await expect(collect(session.propagate({ signal: before.signal }))).rejects.toMatchObject({ name: 'AbortError' });
    const all = await collect(session.propagate());
    expect(all.map((r) => r.frame)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('runs concurrent calls one at a time, in call order', async () => {
    await session.reset();
    const [a, b] = await Promise.all([session.addPoints(click), session.addPoints({ ...box, frame: 2 })]);
    expect([a.objectIds, b.objectIds]).toEqual([[1], [1, 2]]);
    const sequential = await model.createVideoSession(frames);
    await sequential.addPoints(click);
    const expected = await collect(sequential.propagate({ maxFrames: 3 }));
    sequential.dispose();
    await session.reset();
    const results = await Promise.all([session.addPoints(click), collect(session.propagate({ maxFrames: 3 }))]);
    results[1].forEach((r, i) => expectSameResult(r, expected[i]));
  });

  it('ends a propagation when the prompts change during it', async () => {
    await session.reset();
    await session.addPoints(click);
    const iterator = session.propagate();
    expect((await iterator.next()).value.frame).toBe(0);
    await session.addPoints(box);
    await expect(iterator.next()).rejects.toThrow(Sam2Error);
    expect((await collect(session.propagate())).map((r) => r.objectIds)).toContainEqual([1, 2]);
  });

  it('reads frames from a folder in numeric order, and from an async iterable', async () => {
    const dir = await frameFolder('numeric');
    const fromDir = await model.createVideoSession(dir, { maxCachedFrames: 1 });
    async function* stream(): AsyncGenerator<ImageInput> {
      for (const f of frames) yield { ...f, data: f.data };
    }
    const fromStream = await model.createVideoSession(stream());
    expect([fromDir.frameCount, fromStream.frameCount]).toEqual([8, 8]);
    await fromDir.addPoints(click);
    await fromStream.addPoints(click);
    // 10.png would sort before 2.png by name; here 0..7 map to the frames in order.
    const a = await collect(fromDir.propagate({ start: 6 }));
    const b = await collect(fromStream.propagate({ start: 6 }));
    a.forEach((r, i) => expectSameResult(r, b[i]));
    fromDir.dispose();
    fromStream.dispose();
  });

  it('names a bad, missing or wrongly sized frame file and stays usable', async () => {
    const dir = await frameFolder('broken');
    await writeFile(join(dir, '3.png'), 'not a png');
    await sharp({ create: { width: 256, height: 256, channels: 3, background: '#808080' } }).png().toFile(join(dir, '5.png'));
    const broken = await model.createVideoSession(dir, { maxCachedFrames: 1 });
    await broken.addPoints(click);
    const error = await collect(broken.propagate()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ parameter: 'frames' });
    expect(String((error as Error).message)).toMatch(/frame 3 \(.*3\.png\) cannot be read/);
    await expect(broken.addPoints({ ...click, frame: 5 })).rejects.toThrow(/frame 5 \(.*5\.png\) is 256x256, but the video is 512x512/);
    await unlink(join(dir, '6.png'));
    await expect(collect(broken.propagate({ start: 6 }))).rejects.toThrow(/frame 6 \(.*6\.png\) cannot be read/);
    // Still usable: frames that are fine track.
    const ok = await collect(broken.propagate({ maxFrames: 3 }));
    expect(ok.map((r) => r.frame)).toEqual([0, 1, 2]);
    broken.dispose();
  });

  it('handles a video whose size is not the model size', async () => {
    const small = await Promise.all(
      frames.map(async (f) => {
        const { data, info } = await sharp(f.data, { raw: { width: 512, height: 512, channels: 3 } })
          .resize(320, 200, { fit: 'fill' })
          .raw()
          .toBuffer({ resolveWithObject: true });
        return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 as const };
      }),
    );
    const s = await model.createVideoSession(small);
    const scale = (p: [number, number]): [number, number] => [(p[0] * 320) / 512, (p[1] * 200) / 512];
    const r = await s.addPoints({ ...click, points: click.points.map(scale) });
    expect(r.masks.length).toBe(320 * 200);
    expect(area(r.masks)).toBeGreaterThan(0);
    const m = await s.addMask({ frame: 1, objectId: 2, mask: r.masks });
    expect(m.objectScores[1]).toBe(10);
    const tracked = await collect(s.propagate({ maxFrames: 3 }));
    expect(tracked).toHaveLength(3);
    s.dispose();
  });

  it('keeps overlapping objects apart with nonOverlap', async () => {
    // The two objects overlap on the last frames.
    const apart = await model.createVideoSession(frames, { nonOverlap: true });
    const plain = await model.createVideoSession(frames);
    for (const s of [apart, plain]) {
      await s.addPoints(click);
      await s.addPoints(box);
    }
    const [a, p] = [(await collect(apart.propagate({ start: 7 })))[0], (await collect(plain.propagate({ start: 7 })))[0]];
    const overlap = (r: FrameResult): number => {
      const [m1, m2] = [maskOf(r, 1, pixels), maskOf(r, 2, pixels)];
      return m1.reduce((n, v, i) => n + (v & m2[i]), 0);
    };
    expect(overlap(p)).toBeGreaterThan(0);
    expect(overlap(a)).toBe(0);
    expect(a.lowResLogits).toEqual(p.lowResLogits); // only the returned masks change
    apart.dispose();
    plain.dispose();
  });

  it('rejects bad arguments with errors naming the parameter', async () => {
    const bad: [() => Promise<unknown>, string][] = [
      [() => session.addPoints({ ...click, frame: 8 }), 'frame'],
      [() => session.addPoints({ ...click, objectId: 1.5 }), 'objectId'],
      [() => session.addPoints({ frame: 0, objectId: 1 }), 'points'],
      [() => session.addPoints({ ...click, labels: [1, 0] }), 'labels'],
      [() => session.addPoints({ ...box, clearOld: false }), 'box'],
      [() => session.addMask({ frame: 0, objectId: 1, mask: new Uint8Array(10) }), 'mask'],
      [() => collect(session.propagate({ start: -1 })), 'start'],
      [() => collect(session.propagate({ maxFrames: 1.5 })), 'maxFrames'],
      [() => model.createVideoSession(frames, { maxCachedFrames: 0 }), 'maxCachedFrames'],
      [() => model.createVideoSession(frames, { fillHoleArea: -1 }), 'fillHoleArea'],
      [() => model.createVideoSession(42 as never), 'frames'],
      [() => model.createVideoSession([]), 'frames'],
      [() => model.createVideoSession([frames[0], { ...frames[1], width: 256, data: frames[1].data.subarray(0, 256 * 512 * 3) }]), 'frames'],
      [() => model.createVideoSession(join(tmp, 'missing')), 'frames'],
    ];
    for (const [call, parameter] of bad) {
      const err = await Promise.resolve().then(call).catch((e: unknown) => e);
      expect(err, parameter).toBeInstanceOf(InvalidArgumentError);
      expect((err as InvalidArgumentError).parameter).toBe(parameter);
    }
    expect(() => session.propagate({ start: 8 })).toThrow(InvalidArgumentError);
  });

  it('rejects calls after dispose', async () => {
    const s = await model.createVideoSession(frames);
    const pending = s.addPoints(click);
    s.dispose();
    await expect(pending).rejects.toThrow(DisposedError);
    await expect(s.addPoints(click)).rejects.toThrow(DisposedError);
    expect(() => s.propagate()).toThrow(DisposedError);
    expect(s.disposed).toBe(true);
  });
});
