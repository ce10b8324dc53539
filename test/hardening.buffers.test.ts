// Caller buffers that change owner or are shared while a native call runs: the call must neither crash nor answer
// from freed memory, and buffers it cannot read are refused naming the parameter.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, connectedComponents, type Sam2Model } from '../lib/index.js';
import { expectSamePrediction } from './helpers/expect.js';
import { readImage } from './helpers/fixtures.js';
import { loadTestModel, testModelDir } from './helpers/model.js';
import { repoRoot } from './helpers/paths.js';
import type { DecodedImage } from './helpers/png.js';

const packageEntry = pathToFileURL(join(repoRoot, 'dist', 'index.js')).href;
const child = new URL('./helpers/detach-child.mjs', import.meta.url).pathname;

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  report: unknown;
  stderr: string;
}

/** Runs one case of detach-child.mjs in its own process (it needs --expose-gc, and a crash must not end vitest). */
function runChild(which: string): Promise<ChildRun> {
  return new Promise((resolve) => {
    const args = ['--expose-gc', child, packageEntry, which, testModelDir()];
    execFile(process.execPath, args, { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      const failure = err as (Error & { code?: number; signal?: NodeJS.Signals }) | null;
      const line = stdout.trim().split('\n').pop();
      resolve({
        code: failure ? (failure.code ?? null) : 0,
        signal: failure?.signal ?? null,
        report: line ? (JSON.parse(line) as unknown) : undefined,
        stderr,
      });
    });
  });
}

/** `view`'s buffer, transferred away: what a caller's buffer looks like after postMessage(view, [view.buffer]). */
function detach<T extends Uint8Array | Uint8ClampedArray>(view: T): T {
  const buffer = view.buffer as ArrayBuffer;
  structuredClone(buffer, { transfer: [buffer] });
  return view;
}

/** A copy of `bytes` in a SharedArrayBuffer. */
function shared(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.length));
  copy.set(bytes);
  return copy;
}

describe('buffers transferred away while a native call runs', () => {
  it('connectedComponents answers from the mask as it was when called', async () => {
    const run = await runChild('connectedComponents');
    expect(run.stderr).toBe('');
    expect([run.code, run.signal]).toEqual([0, null]);
    const side = 6000;
    const whole = { count: 1, firstArea: side * side, lastArea: side * side };
    expect(run.report).toEqual([whole, whole, whole]);
  });

  it('encodeImage answers from the image as it was when called', async () => {
    const run = await runChild('encodeImage');
    expect(run.stderr).toBe('');
    expect([run.code, run.signal]).toEqual([0, null]);
    const rounds = run.report as { maskDiffs: number; scoreDiff: number }[];
    expect(rounds).toHaveLength(2);
    for (const r of rounds) {
      expect(r.maskDiffs).toBe(0);
      expect(r.scoreDiff).toBeLessThanOrEqual(1e-6);
    }
  });
});

describe('detached and shared buffers', () => {
  let model: Sam2Model;
  let image: DecodedImage;

  beforeAll(async () => {
    model = await loadTestModel();
    image = readImage('square');
  });
  afterAll(() => model?.dispose());

  it('encodeImage refuses a detached image naming data', async () => {
    const data = detach(Uint8Array.from(image.data));
    const call = model.encodeImage({ ...image, data });
    await expect(call).rejects.toThrow(InvalidArgumentError);
    await expect(call).rejects.toThrow(/^data: .*detached/);
  });

  it('connectedComponents refuses a detached mask naming mask', async () => {
    const call = connectedComponents(detach(new Uint8Array(16)), 4, 4);
    await expect(call).rejects.toMatchObject({ name: 'InvalidArgumentError', parameter: 'mask' });
  });

  it('encodeImage reads a SharedArrayBuffer image as the same bytes in an ArrayBuffer, and keeps working', async () => {
    const prompt = { points: [[200, 150]] as [number, number][], labels: [1] };
    const expected = await model.predict(await model.encodeImage(image), prompt);
    const fromShared = await model.predict(await model.encodeImage({ ...image, data: shared(image.data) }), prompt);
    expectSamePrediction(fromShared, expected);
    expectSamePrediction(await model.predict(await model.encodeImage(image), prompt), expected);
  });

  it('connectedComponents reads a SharedArrayBuffer mask', async () => {
    const mask = Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 1, 1]);
    const expected = await connectedComponents(mask, 3, 3);
    const actual = await connectedComponents(shared(mask), 3, 3);
    expect(actual.count).toBe(2);
    expect(Array.from(actual.areas)).toEqual(Array.from(expected.areas));
  });

  it('a video tracker refuses a detached frame naming data', async () => {
    const tracker = model.createTracker();
    try {
      const call = tracker.track({ ...image, data: detach(Uint8Array.from(image.data)) });
      await expect(call).rejects.toMatchObject({ name: 'InvalidArgumentError', parameter: 'data' });
    } finally {
      tracker.dispose();
    }
  });
});
