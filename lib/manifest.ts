// The exported model directory's manifest.json: what the exporter wrote, checked before any file reaches libtorch
// so that a stale, partial or corrupted export fails with a ModelLoadError naming the file.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { ModelLoadError } from './errors.js';
import { readRegularFile } from './regular_file.js';

/** The newest manifest format this package reads. */
export const MANIFEST_FORMAT_VERSION = 1;

/** The TorchScript files of docs/ARCHITECTURE.md; all must be listed and present. */
const MODEL_FILES = ['image_encoder.pt', 'prompt_decoder.pt', 'memory_attention.pt', 'memory_encoder.pt', 'tracking.pt'];

export interface Manifest {
  formatVersion: number;
  name: string;
  imageSize: number;
  mean: [number, number, number];
  std: [number, number, number];
  torchVersion: string;
  config: Record<string, unknown>;
  tracking: Record<string, unknown>;
  files: Record<string, { sha256: string; bytes: number }>;
}

function fail(dir: string, problem: string): never {
  throw new ModelLoadError(`model: ${join(dir, 'manifest.json')}: ${problem}`);
}

function isTriple(v: unknown, min: number, max: number): v is [number, number, number] {
  return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && x >= min && x <= max);
}

/** A name the manifest may list: a file directly in the model directory, never a path that leads out of it. */
function isPlainFileName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && basename(name) === name && !/[\\/\0]/.test(name);
}

/** Reads and checks manifest.json (not the files it lists; see {@link verifyModelFiles}). */
export async function readManifest(dir: string): Promise<Manifest> {
  const text = await readRegularFile(join(dir, 'manifest.json')).then(
    (bytes) => bytes.toString('utf8'),
    () => undefined,
  );
  if (text === undefined) fail(dir, 'missing; export a model with `sam2-node export`');
  let m: Partial<Manifest>;
  try {
    m = JSON.parse(text) as Partial<Manifest>;
  } catch (err) {
    fail(dir, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof m !== 'object' || m === null) fail(dir, 'not a JSON object');
  if (!Number.isInteger(m.formatVersion) || (m.formatVersion as number) < 1) fail(dir, 'no valid formatVersion');
  if ((m.formatVersion as number) > MANIFEST_FORMAT_VERSION) {
    fail(dir, `formatVersion ${m.formatVersion} is newer than this sam2-node reads (${MANIFEST_FORMAT_VERSION}); upgrade sam2-node`);
  }
  if (!Number.isInteger(m.imageSize) || (m.imageSize as number) <= 0 || (m.imageSize as number) % 16 !== 0) {
    fail(dir, 'imageSize must be a positive multiple of 16');
  }
  // Pixels are scaled to [0, 1] before normalising; the bounds also keep both within float32 and std away from 0,
  // which would make every score NaN (the C++ core checks the same).
  if (!isTriple(m.mean, 0, 1)) fail(dir, 'mean must be 3 numbers in [0, 1]');
  if (!isTriple(m.std, 1e-3, 10)) fail(dir, 'std must be 3 numbers in [0.001, 10]');
  if (typeof m.files !== 'object' || m.files === null) fail(dir, 'no files table');
  for (const file of Object.keys(m.files)) {
    if (!isPlainFileName(file)) fail(dir, `files: ${JSON.stringify(file)} is not a file name in the model directory`);
  }
  for (const file of MODEL_FILES) {
    const entry = m.files[file];
    if (!entry || typeof entry.sha256 !== 'string' || !Number.isInteger(entry.bytes)) fail(dir, `no entry for ${file}`);
  }
  return {
    formatVersion: m.formatVersion as number,
    name: typeof m.name === 'string' ? m.name : 'unknown',
    imageSize: m.imageSize as number,
    mean: m.mean,
    std: m.std,
    torchVersion: typeof m.torchVersion === 'string' ? m.torchVersion : 'unknown',
    config: (m.config ?? {}) as Record<string, unknown>,
    tracking: (m.tracking ?? {}) as Record<string, unknown>,
    files: m.files,
  };
}

/**
 * What identifies a model's weights across processes and machines: sha256 over the sorted `name:sha256` lines of
 * the manifest's files. Portable embeddings carry it, so one from another model is refused.
 */
export function manifestDigest(manifest: Manifest): Uint8Array {
  const lines = Object.entries(manifest.files)
    .map(([file, { sha256: hash }]) => `${file}:${hash}\n`)
    .sort();
  return new Uint8Array(createHash('sha256').update(lines.join('')).digest());
}

/**
 * Checks every listed file's presence, size and sha256. Nothing outside the model directory is read: a symbolic link
 * that leads out of it is refused before its target is opened, and errors never tell what lies outside.
 */
export async function verifyModelFiles(dir: string, manifest: Manifest): Promise<void> {
  const root = await realpath(dir);
  await Promise.all(
    Object.entries(manifest.files).map(async ([file, { sha256: expected, bytes }]) => {
      const path = join(dir, file);
      const target = await realpath(path).catch(() => undefined);
      if (target === undefined) throw new ModelLoadError(`model: ${path} is missing`);
      if (!target.startsWith(root + sep)) throw new ModelLoadError(`model: ${path} links outside the model directory`);
      // O_NONBLOCK and the fstat of what was opened: a FIFO named like a module must not block a thread for good.
      const handle = await open(target, constants.O_RDONLY | constants.O_NONBLOCK).catch((err: Error) => {
        throw new ModelLoadError(`model: ${path} cannot be read: ${err.message}`, { cause: err });
      });
      try {
        const info = await handle.stat();
        if (!info.isFile()) throw new ModelLoadError(`model: ${path} is not a regular file`);
        if (info.size !== bytes) {
          throw new ModelLoadError(`model: ${path} has ${info.size} bytes, the manifest says ${bytes} (partial copy?)`);
        }
        const hash = createHash('sha256');
        // Streamed in chunks, so hashing a large model never holds the event loop for long.
        for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
        if (hash.digest('hex') !== expected) {
          throw new ModelLoadError(`model: ${path} does not match its sha256 in manifest.json (corrupt file?)`);
        }
      } finally {
        await handle.close();
      }
    }),
  );
}
