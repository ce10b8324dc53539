// Where a VideoSession's frames come from, beyond an array: streams (an endless async iterable, a video file decoded
// by ffmpeg) read lazily with a bounded window, and frame folders holding things that are not regular files.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, Sam2Error, type FrameResult, type ImageInput, type Sam2Model } from '../lib/index.js';
import { StreamSource } from '../lib/video/stream_source.js';
import { loadTestModel } from './helpers/model.js';
import { readVideoFrames, video, videoFramesDir } from './helpers/video_fixtures.js';

const click = { frame: 0, objectId: 1, points: [[150, 170]] as [number, number][], labels: [1] };

async function collect(iterable: AsyncIterable<FrameResult>): Promise<FrameResult[]> {
  const results: FrameResult[] = [];
  for await (const r of iterable) results.push(r);
  return results;
}

/** The same code path on the same frames: results are identical, not merely close. */
function expectSameResults(a: FrameResult[], b: FrameResult[]): void {
  expect(a.map((r) => r.frame)).toEqual(b.map((r) => r.frame));
  a.forEach((r, i) => {
    expect(r.masks).toEqual(b[i].masks);
    expect(r.lowResLogits).toEqual(b[i].lowResLogits);
  });
}

/** An endless camera-like source cycling through `frames`, reusing one buffer, counting what it produced. */
function endless(frames: ImageInput[]) {
  const state = { produced: 0, closed: false };
  async function* generate(): AsyncGenerator<ImageInput> {
    const buffer = new Uint8Array(frames[0].data.length);
    try {
      for (;;) {
        buffer.set(frames[state.produced % frames.length].data);
        state.produced++;
        yield { ...frames[0], data: buffer };
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, frames: generate() };
}

describe('VideoSession sources', () => {
  let model: Sam2Model;
  let frames: ImageInput[];
  let tmp: string;

  beforeAll(async () => {
    model = await loadTestModel();
    frames = readVideoFrames();
    tmp = await mkdtemp(join(tmpdir(), 'sam2-sources-'));
  });
  afterAll(async () => {
    model?.dispose();
    await rm(tmp, { recursive: true, force: true });
  });

  async function frameFolder(name: string): Promise<string> {
    const dir = join(tmp, name);
    await mkdir(dir);
    await Promise.all(video.frames.map((file, i) => copyFile(join(videoFramesDir, basename(file)), join(dir, `${i}.png`))));
    return dir;
  }

  it('reads an endless async iterable only as far as calls need, keeping its latest maxCachedFrames frames', async () => {
    const source = endless(frames);
    const session = await model.createVideoSession(source.frames, { maxCachedFrames: 4 });
    try {
      // Opening reads the official pointer window (16 frames), no more.
      expect([source.state.produced, session.frameCount]).toEqual([16, 16]);
      // A prompt ahead reads up to its frame, and the window moves on: 17..20 are kept.
      await session.addPoints({ ...click, frame: 20 });
      expect([source.state.produced, session.frameCount]).toEqual([21, 21]);
      const gone = await session.addPoints({ ...click, frame: 16 }).catch((err: unknown) => err);
      expect(gone).toBeInstanceOf(InvalidArgumentError);
      expect(gone).toMatchObject({ parameter: 'frame' });
      expect((gone as Error).message).toMatch(/frame 16 is no longer kept: .* latest 4 frames/);
      expect(() => session.propagate({ reverse: true })).toThrow(InvalidArgumentError);

      const results = await collect(session.propagate({ maxFrames: 3 }));
      expect(results.map((r) => r.frame)).toEqual([20, 21, 22]);
      expect(results.every((r) => r.masks.some((v) => v === 1))).toBe(true);
      expect([source.state.produced, session.frameCount]).toEqual([23, 23]);
    } finally {
      session.dispose();
    }
    // Disposing ends the producer (for a video file: stops ffmpeg).
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.state.closed).toBe(true);
  });

  it('holds at most max(maxCachedFrames, 16) frames of a stream, however far it is read', async () => {
    const source = endless(frames);
    const stream = await StreamSource.open(source.frames, 4, 16);
    for (let frame = 0; frame < 500; frame += 7) {
      expect(await stream.has(frame)).toBe(true);
      expect(stream.count - stream.oldest).toBeLessThanOrEqual(16);
    }
    expect(stream.count - stream.oldest).toBe(4);
    stream.close();
  });

  it('tracks a stream forward exactly as the same frames given as an array', async () => {
    const clip = [...Array(20).keys()].map((i) => frames[i % frames.length]);
    async function* stream(): AsyncGenerator<ImageInput> {
      yield* clip;
    }
    const fromArray = await model.createVideoSession(clip);
    const fromStream = await model.createVideoSession(stream(), { maxCachedFrames: 1 });
    try {
      // Past the lookahead, so that the stream is one (of unknown length) and keeps a single frame.
      const prompt = { ...click, frame: 16 };
      await fromArray.addPoints(prompt);
      await fromStream.addPoints(prompt);
      const b = await collect(fromStream.propagate({ maxFrames: 2 }));
      expect(b.map((r) => r.frame)).toEqual([16, 17]);
      expectSameResults(await collect(fromArray.propagate({ maxFrames: 2 })), b);
      expect(fromStream.frameCount).toBe(18);
    } finally {
      fromArray.dispose();
      fromStream.dispose();
    }
  });

  it('opens a video file through ffmpeg, frame for frame as its folder of frames', async () => {
    const clip = join(tmp, 'clip.mkv');
    // Lossless (PNG in Matroska), so the decoded frames are the fixture's pixels.
    execFileSync('ffmpeg', ['-v', 'error', '-framerate', '8', '-i', join(videoFramesDir, '%05d.png'), '-c:v', 'png', clip]);
    const fromFile = await model.createVideoSession(clip);
    const fromDir = await model.createVideoSession(await frameFolder('clip'));
    try {
      expect([fromFile.frameCount, fromFile.width, fromFile.height]).toEqual([8, 512, 512]);
      await fromFile.addPoints(click);
      await fromDir.addPoints(click);
      expectSameResults(await collect(fromFile.propagate({ maxFrames: 2 })), await collect(fromDir.propagate({ maxFrames: 2 })));
    } finally {
      fromFile.dispose();
      fromDir.dispose();
    }
  });

  it('names a file ffmpeg cannot decode', async () => {
    const bogus = join(tmp, 'bogus.mp4');
    await writeFile(bogus, 'not a video');
    await expect(model.createVideoSession(bogus)).rejects.toThrow(Sam2Error);
    await expect(model.createVideoSession(bogus)).rejects.toThrow(/bogus\.mp4/);
  });

  it.each([
    ['a FIFO', (path: string) => execFileSync('mkfifo', [path])],
    ['a directory', (path: string) => mkdir(path)],
  ])('refuses %s named like a frame at once, naming the frame, and stays usable', async (kind, make) => {
    const dir = await frameFolder(`special-${kind.replace(' ', '-')}`);
    await rm(join(dir, '3.png'));
    await make(join(dir, '3.png'));
    const session = await model.createVideoSession(dir, { maxCachedFrames: 1 });
    try {
      await session.addPoints({ ...click, frame: 2 });
      const err = await collect(session.propagate()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as Error).message).toMatch(new RegExp(`frame 3 \\(.*3\\.png\\) cannot be read: it is ${kind}, not a regular file`));
      expect((await session.addPoints({ ...click, frame: 4 })).frame).toBe(4);
    } finally {
      session.dispose();
    }
  });
});
