import { cp, mkdtemp, open, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ModelLoadError, Sam2Model } from '../lib/index.js';
import { loadError } from './helpers/expect.js';
import { loadTestModel, readModelManifest, testModelDir, type ModelManifest } from './helpers/model.js';

describe('Sam2Model.load', () => {
  let scratch: string;
  let manifest: ModelManifest;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sam2-node-load-'));
    manifest = readModelManifest();
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  /** A copy of the test model, changed by `spoil`. */
  async function spoiledCopy(name: string, spoil: (dir: string) => Promise<void>): Promise<string> {
    const dir = join(scratch, name);
    await cp(testModelDir(), dir, { recursive: true });
    await spoil(dir);
    return dir;
  }

  /** The largest module file: its bytes are mostly weights, which only a checksum notices changing. */
  const largestModule = (): string =>
    Object.entries(manifest.files).sort(([, a], [, b]) => b.bytes - a.bytes)[0][0];

  it('loads the exported model and describes it from its manifest', async () => {
    const model = await loadTestModel();
    try {
      expect(model.info).toMatchObject({
        imageSize: manifest.imageSize,
        lowResSize: manifest.imageSize / 4,
        name: manifest.name,
        device: 'cpu',
        dtype: 'float32',
        formatVersion: manifest.formatVersion,
        torchVersion: manifest.torchVersion,
      });
      expect(Object.isFrozen(model.info)).toBe(true);
      expect(model.disposed).toBe(false);
    } finally {
      model.dispose();
    }
  });

  it('runs a 16-bit dtype on the CPU, or refuses it at load naming dtype', async () => {
    // libtorch 1.x has no 16-bit CPU convolution kernels: the failure must come at load, not mid-prediction.
    const loaded = await loadTestModel({ device: 'cpu', dtype: 'bfloat16' }).catch((err: unknown) => err);
    if (loaded instanceof Sam2Model) {
      const embedding = await loaded.encodeImage({ data: new Uint8Array(64 * 48 * 3), width: 64, height: 48, channels: 3 });
      const r = await loaded.predict(embedding, { points: [[10, 10]], labels: [1] });
      expect(r.scores.every(Number.isFinite)).toBe(true);
      loaded.dispose();
    } else {
      expect(loaded).toBeInstanceOf(InvalidArgumentError);
      expect((loaded as InvalidArgumentError).parameter).toBe('dtype');
    }
  });

  it('applies the threads option', async () => {
    const model = await loadTestModel({ threads: 1 });
    expect(model.info.threads).toBe(1);
    model.dispose();
  });

  it('rejects a directory that does not exist', async () => {
    await loadError(join(scratch, 'nothing-here'));
  });

  it('rejects a file given as the directory', async () => {
    await loadError(join(testModelDir(), 'manifest.json'));
  });

  it('rejects a directory without manifest.json', async () => {
    const dir = await spoiledCopy('no-manifest', (d) => unlink(join(d, 'manifest.json')));
    expect((await loadError(dir)).message).toContain('manifest.json');
  });

  it('rejects a directory with a module file missing', async () => {
    const missing = Object.keys(manifest.files)[0];
    const dir = await spoiledCopy('missing-file', (d) => unlink(join(d, missing)));
    expect((await loadError(dir)).message).toContain(missing);
  });

  it('rejects a truncated module file', async () => {
    const file = largestModule();
    const half = Math.floor(manifest.files[file].bytes / 2);
    const dir = await spoiledCopy('truncated', (d) => truncate(join(d, file), half));
    expect((await loadError(dir)).message).toContain(file);
  });

  it('rejects a module file with one byte changed (sha256 check)', async () => {
    const file = largestModule();
    const dir = await spoiledCopy('flipped', async (d) => {
      const handle = await open(join(d, file), 'r+');
      try {
        const at = Math.floor(manifest.files[file].bytes * 0.6);
        const byte = Buffer.alloc(1);
        await handle.read(byte, 0, 1, at);
        byte[0] ^= 0x55;
        await handle.write(byte, 0, 1, at);
      } finally {
        await handle.close();
      }
    });
    expect((await loadError(dir)).message).toContain(file);
  });

  it('rejects a manifest from a newer exporter', async () => {
    const dir = await spoiledCopy('future', async (d) => {
      const path = join(d, 'manifest.json');
      const json = JSON.parse(await readFile(path, 'utf8')) as ModelManifest;
      await writeFile(path, JSON.stringify({ ...json, formatVersion: 999 }));
    });
    expect((await loadError(dir)).message).toContain('formatVersion');
  });

  it('rejects a manifest that is not JSON', async () => {
    const dir = await spoiledCopy('garbled', (d) => writeFile(join(d, 'manifest.json'), '{"formatVersion": 1,'));
    await loadError(dir);
  });
});
