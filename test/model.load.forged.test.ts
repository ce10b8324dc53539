// Forged or inconsistent model directories: each fails at load with a ModelLoadError that says what is wrong, reads
// nothing outside the directory and tells nothing about what lies there.
import { execFileSync } from 'node:child_process';
import { link, mkdir, mkdtemp, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError, Sam2Model } from '../lib/index.js';
import { native, preloadNative } from '../lib/native.js';
import { loadError } from './helpers/expect.js';
import { readModelManifest, testModelDir, type ModelManifest } from './helpers/model.js';

type Manifest = ModelManifest & { mean: number[]; std: number[] };

describe('Sam2Model.load of a forged model directory', () => {
  let scratch: string;
  let manifest: Manifest;
  let count = 0;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sam2-node-forged-'));
    manifest = readModelManifest() as Manifest;
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  /**
   * A model directory of the test model's files (hard links, so each costs no copy) with `manifest` changed by
   * `forge`, and then the directory by `alter`.
   */
  async function forged(forge: (m: Manifest) => void, alter?: (dir: string) => Promise<void>): Promise<string> {
    const dir = join(scratch, `model-${count++}`);
    await mkdir(dir);
    const source = testModelDir();
    for (const name of await readdir(source)) {
      if (name.endsWith('.pt')) await link(join(source, name), join(dir, name));
    }
    const m = structuredClone(manifest);
    forge(m);
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(m));
    await alter?.(dir);
    return dir;
  }

  /** Swaps two module files, and their entries in the manifest, so that every checksum still matches. */
  function swapped(a: string, b: string): Promise<string> {
    return forged(
      (m) => ([m.files[a], m.files[b]] = [m.files[b], m.files[a]]),
      async (dir) => {
        await rename(join(dir, a), join(dir, 'swap'));
        await rename(join(dir, b), join(dir, a));
        await rename(join(dir, 'swap'), join(dir, b));
      },
    );
  }

  it.each([['../../../../etc/passwd'], ['/etc/passwd'], ['sub/../../x.pt'], ['..']])(
    'refuses a manifest that lists %s, a path out of the directory, without reading it',
    async (name) => {
      const dir = await forged((m) => (m.files[name] = { sha256: '0'.repeat(64), bytes: 1 }));
      const err = await loadError(dir);
      expect(err.message).toContain(`${JSON.stringify(name)} is not a file name in the model directory`);
      expect(err.message).not.toMatch(/bytes/);
    },
  );

  it('refuses a module that is a symbolic link out of the directory, without telling its size', async () => {
    const outside = join(scratch, 'outside.bin');
    await writeFile(outside, Buffer.alloc(12345));
    const dir = await forged(
      () => {},
      async (d) => {
        await rm(join(d, 'tracking.pt'));
        await symlink(outside, join(d, 'tracking.pt'));
      },
    );
    const err = await loadError(dir);
    expect(err.message).toContain('tracking.pt links outside the model directory');
    expect(err.message).not.toContain('12345');
  });

  it('accepts a module that is a symbolic link within the directory', async () => {
    const dir = await forged(
      () => {},
      async (d) => {
        await rename(join(d, 'tracking.pt'), join(d, 'tracking.real'));
        await symlink('tracking.real', join(d, 'tracking.pt'));
      },
    );
    (await Sam2Model.load(dir)).dispose();
  });

  it('refuses a FIFO named like a module at once, without waiting on it', async () => {
    const dir = await forged(
      () => {},
      async (d) => {
        await rm(join(d, 'tracking.pt'));
        execFileSync('mkfifo', [join(d, 'tracking.pt')]);
      },
    );
    expect((await loadError(dir)).message).toContain('tracking.pt is not a regular file');
  });

  it('refuses an imageSize the modules were not exported for, naming both sizes', async () => {
    const dir = await forged((m) => (m.imageSize = manifest.imageSize * 2));
    const err = await loadError(dir);
    expect(err.message).toContain(`imageSize ${manifest.imageSize * 2}`);
    expect(err.message).toContain(`exported for ${manifest.imageSize}`);
  });

  it.each([
    ['std', [0, 0, 0]],
    ['std', [0.2, -0.2, 0.2]],
    ['std', [1e-300, 0.2, 0.2]],
    ['mean', [1e300, 0.4, 0.4]],
    ['mean', [-0.5, 0.4, 0.4]],
  ] as const)('refuses normalisation %s = %j, which would give NaN or overflow', async (key, values) => {
    const dir = await forged((m) => (m[key] = [...values]));
    expect((await loadError(dir)).message).toMatch(new RegExp(`manifest.json: ${key} must be 3 numbers in`));
  });

  it('re-checks the normalisation in the native loader', async () => {
    await preloadNative();
    const load = native().loadModel(testModelDir(), {
      device: 'cpu',
      dtype: 'float32',
      threads: 1,
      imageSize: manifest.imageSize,
      mean: manifest.mean as [number, number, number],
      std: [0, 0.2, 0.2],
    });
    await expect(load).rejects.toThrow(/^model: std\[0\] must be in/);
  });

  it.each([
    ['image_encoder.pt', 'prompt_decoder.pt'],
    ['memory_attention.pt', 'memory_encoder.pt'],
    ['memory_encoder.pt', 'tracking.pt'],
  ])('refuses %s and %s swapped, checksums updated, naming the file whose inputs do not fit', async (a, b) => {
    const err = await loadError(await swapped(a, b));
    expect(err.message).toMatch(new RegExp(`${a}|${b}`));
    expect(err.message).toMatch(/forward takes|has a forward method|has no forward method/);
  });
});
