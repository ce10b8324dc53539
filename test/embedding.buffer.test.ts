// Portable embeddings: embedding.toBuffer() and model.embeddingFromBuffer(). Restored embeddings predict exactly
// as the original (the same features through the same code), in this thread or another; every damaged, forged or
// foreign buffer is an InvalidArgumentError naming `buffer`.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DisposedError,
  InvalidArgumentError,
  type ImageEmbedding,
  type Prediction,
  type PredictOptions,
  type Sam2Model,
} from '../lib/index.js';
import { readImage } from './helpers/fixtures.js';
import { loadTestModel, testModelDir } from './helpers/model.js';
import { repoRoot } from './helpers/paths.js';

const prompt: PredictOptions = { points: [[448, 282]], labels: [1], returnLogits: true };

// Byte offsets of the header fields (docs/ARCHITECTURE.md, "Portable embeddings").
const FIELDS = { magic: 0, version: 8, digest: 12, imageSize: 44, width: 48, height: 52, dtype: 56, tensors: 60 };
const FIRST_TENSOR = 64;

/** Byte-for-byte equality of two arrays (vitest's deep toEqual takes a minute on megabytes). */
function sameBytes(a: ArrayBufferView | undefined, b: ArrayBufferView | undefined): boolean {
  if (!a || !b) return a === b;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function expectIdentical(actual: Prediction, expected: Prediction): void {
  expect(actual.logits).toBeDefined();
  for (const key of ['masks', 'scores', 'lowResLogits', 'logits'] as const) {
    expect(sameBytes(actual[key], expected[key]), key).toBe(true);
  }
}

/** A copy with the trailing CRC-32 recomputed: a forgery that passes the checksum. */
function resealed(buffer: Buffer, edit: (b: Buffer) => void): Buffer {
  const b = Buffer.from(buffer);
  edit(b);
  b.writeUInt32LE(crc32(b.subarray(0, b.length - 4)), b.length - 4);
  return b;
}

describe('portable embeddings', () => {
  let model: Sam2Model;
  let embedding: ImageEmbedding;
  let buffer: Buffer;
  let expected: Prediction;

  async function rejectsNaming(bytes: unknown, text: string): Promise<void> {
    const err = await model.embeddingFromBuffer(bytes as Uint8Array).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).parameter).toBe('buffer');
    expect((err as Error).message).toContain(text);
  }

  beforeAll(async () => {
    model = await loadTestModel();
    embedding = await model.encodeImage(readImage('wide'));
    buffer = embedding.toBuffer();
    expected = await model.predict(embedding, prompt);
  });
  afterAll(() => model?.dispose());

  it('writes the documented header', () => {
    expect(Buffer.isBuffer(buffer)).toBe(true);
    expect(buffer.subarray(0, 8).toString('latin1')).toBe('SAM2EMB\0');
    expect(buffer.readUInt32LE(FIELDS.version)).toBe(1);
    expect(buffer.readUInt32LE(FIELDS.imageSize)).toBe(model.info.imageSize);
    expect([buffer.readUInt32LE(FIELDS.width), buffer.readUInt32LE(FIELDS.height)]).toEqual([640, 400]);
    expect(buffer.readUInt32LE(FIELDS.dtype)).toBe(1); // float32
    expect(buffer.readUInt32LE(FIELDS.tensors)).toBe(3);
    expect(buffer.readUInt32LE(buffer.length - 4)).toBe(crc32(buffer.subarray(0, buffer.length - 4)));
  });

  it('restores an embedding that predicts exactly as the original', async () => {
    const restored = await model.embeddingFromBuffer(buffer);
    expect([restored.width, restored.height]).toEqual([640, 400]);
    expectIdentical(await model.predict(restored, prompt), expected);
    expect(restored.toBuffer().equals(buffer)).toBe(true);
    restored.dispose();
    // A Uint8Array view at an odd offset reads too (the tensors are copied out, never read unaligned).
    const shifted = new Uint8Array(buffer.length + 1);
    shifted.set(buffer, 1);
    expectIdentical(await model.predict(await model.embeddingFromBuffer(shifted.subarray(1)), prompt), expected);
  });

  // The worker loads its own instance of the model: a buffer is tied to the model files, not to an instance.
  it('carries an embedding to a worker thread, which predicts what this thread does', async () => {
    const packageEntry = pathToFileURL(join(repoRoot, 'dist', 'index.js')).href;
    const script = new URL('./helpers/buffer-worker.mjs', import.meta.url);
    const worker = new Worker(script, { workerData: { packageEntry, modelDir: testModelDir(), prompt } });
    const report = new Promise<Prediction>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before reporting`)));
    });
    const copy = Buffer.from(buffer);
    worker.postMessage(copy, [copy.buffer]);
    expectIdentical(await report, expected);
    await worker.terminate();
  });

  it('rejects a buffer truncated inside any field', async () => {
    const cuts = [0, 3, ...Object.values(FIELDS).map((o) => o + 2), FIRST_TENSOR + 2, FIRST_TENSOR + 30, buffer.length - 2];
    for (const cut of cuts) await rejectsNaming(buffer.subarray(0, cut), 'truncated');
  });

  it('rejects bytes after the end', async () => {
    await rejectsNaming(Buffer.concat([buffer, Buffer.alloc(1)]), 'after the end');
  });

  it('rejects a flipped byte anywhere', async () => {
    const flips: [number, string][] = [
      [FIELDS.magic + 1, 'not a sam2-node embedding'],
      [FIELDS.version, 'format version'],
      [FIELDS.digest + 5, 'checksum'],
      [FIELDS.width, 'checksum'],
      [FIELDS.dtype, 'dtype'],
      [FIELDS.tensors, 'tensors'],
      [FIRST_TENSOR + 8, 'dimension'],
      [FIRST_TENSOR + 100, 'checksum'],
      [Math.floor(buffer.length / 2), 'checksum'],
      [buffer.length - 1, 'checksum'],
    ];
    for (const [offset, text] of flips) {
      const b = Buffer.from(buffer);
      b[offset] ^= 0x10;
      await rejectsNaming(b, text);
    }
  });

  it('rejects forgeries that pass the checksum: another model, version, size or shape', async () => {
    await rejectsNaming(resealed(buffer, (b) => (b[FIELDS.digest] ^= 1)), 'another model');
    await rejectsNaming(resealed(buffer, (b) => b.writeUInt32LE(2, FIELDS.version)), 'format version 2');
    await rejectsNaming(resealed(buffer, (b) => b.writeUInt32LE(1024, FIELDS.imageSize)), 'image size 1024');
    await rejectsNaming(resealed(buffer, (b) => b.writeUInt32LE(0, FIELDS.width)), 'out of range');
    await rejectsNaming(resealed(buffer, (b) => b.writeUInt32LE(0xffffffff, FIRST_TENSOR + 8)), 'dimension 1');
  });

  it('rejects what is not a byte array, and a disposed embedding', async () => {
    await rejectsNaming('SAM2EMB', 'expected a Buffer or Uint8Array');
    await rejectsNaming(new Float32Array(16), 'expected a Buffer or Uint8Array');
    const gone = await model.encodeImage(readImage('square'));
    gone.dispose();
    expect(() => gone.toBuffer()).toThrow(DisposedError);
  });
});
