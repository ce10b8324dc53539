// The exported model directory's manifest.json: what the exporter wrote, checked before any file reaches libtorch
// so that a stale, partial or corrupted export fails with a ModelLoadError naming the file.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelLoadError } from './errors.js';

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

function isTriple(v: unknown): v is [number, number, number] {
  return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** Reads and checks manifest.json (not the files it lists; see {@link verifyModelFiles}). */
export async function readManifest(dir: string): Promise<Manifest> {
  const text = await readFile(join(dir, 'manifest.json'), 'utf8').catch(() => undefined);
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
  if (!isTriple(m.mean) || !isTriple(m.std)) fail(dir, 'mean and std must be 3 numbers each');
  if (typeof m.files !== 'object' || m.files === null) fail(dir, 'no files table');
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

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  // Streamed in chunks, so hashing a large model never holds the event loop for long.
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Checks every listed file's presence, size and sha256. */
export async function verifyModelFiles(dir: string, manifest: Manifest): Promise<void> {
  await Promise.all(
    Object.entries(manifest.files).map(async ([file, { sha256: expected, bytes }]) => {
      const path = join(dir, file);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) throw new ModelLoadError(`model: ${path} is missing`);
      if (info.size !== bytes) {
        throw new ModelLoadError(`model: ${path} has ${info.size} bytes, the manifest says ${bytes} (partial copy?)`);
      }
      if ((await sha256(path)) !== expected) {
        throw new ModelLoadError(`model: ${path} does not match its sha256 in manifest.json (corrupt file?)`);
      }
    }),
  );
}
