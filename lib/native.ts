// The contract with the native addon (docs/ARCHITECTURE.md, "Native addon interface"). Arguments are checked in
// lib/ before they get here; the addon re-checks them and tags its errors (see errors.ts).
import { Worker } from 'node:worker_threads';
// Plain JS shared with the install script, which checks that the addon loads exactly as the library loads it.
import { LIBTORCH_NOT_FOUND, loadAddon } from '../scripts/lib/load-addon.mjs';
// The addon builds a Prediction exactly as the API returns it.
import type { ConnectedComponents, ModelInfo, Prediction } from './types.js';
import { InvalidArgumentError, LibtorchNotFoundError, Sam2Error } from './errors.js';
import { packageRoot } from './paths.js';
import type { NativeVideoModel } from './video/native.js';
import type { NativeAmgOptions } from './amg/options.js';
import type { NativeAmgColumns } from './amg/records.js';
import type { CheckedPixels } from './image.js';

export interface NativeEmbedding {
  dispose(): void;
  readonly disposed: boolean;
  readonly width: number;
  readonly height: number;
  /** The portable format (cpp/core/embedding_format.h), stamped with the model's digest. */
  toBuffer(digest: Uint8Array): Buffer;
}

export interface NativePrompt {
  /** n*2 values in original pixels, box corners first. */
  coords: Float32Array;
  /** n labels: 2/3 box corners, 1 positive, 0 negative. */
  labels: Int32Array;
  /** L*L low-res logits, or null. */
  maskInput: Float32Array | null;
  multimask: boolean;
  returnLogits: boolean;
  holeArea: number;
  sprinkleArea: number;
}

/** The part of {@link ModelInfo} the addon knows; the rest comes from manifest.json. */
export type NativeModelInfo = Omit<ModelInfo, 'name' | 'formatVersion' | 'torchVersion'>;

export interface NativeModel extends NativeVideoModel {
  info(): NativeModelInfo;
  encodeImage(data: Uint8Array, width: number, height: number, channels: number): Promise<NativeEmbedding>;
  /** One encoder call on a batch; each embedding owns its memory. */
  encodeImages(images: { data: Uint8Array; width: number; height: number; channels: number }[]): Promise<NativeEmbedding[]>;
  predict(emb: NativeEmbedding, prompt: NativePrompt): Promise<Prediction>;
  /** Prompt i on embeddings[i]; both arrays have the same length. */
  predictBatch(embeddings: NativeEmbedding[], prompts: NativePrompt[]): Promise<Prediction[]>;
  /** Parses and checks a toBuffer() buffer against this model (digest: see manifestDigest). */
  embeddingFromBuffer(buffer: Uint8Array, digest: Uint8Array): Promise<NativeEmbedding>;
  /** Automatic mask generation on an embedding (no crop layers) or on pixels. */
  generateMasks(
    source: NativeEmbedding | CheckedPixels,
    options: NativeAmgOptions,
    onProgress?: (done: number, total: number) => void,
  ): Promise<NativeAmgColumns>;
  dispose(): void;
}

export interface NativeLoadOptions {
  device: string;
  dtype: string;
  /** 0: libtorch's default. */
  threads: number;
}

/** What the addon needs from manifest.json besides the files (it reads no JSON itself). */
export interface NativeModelSpec extends NativeLoadOptions {
  imageSize: number;
  mean: [number, number, number];
  std: [number, number, number];
}

export interface NativeAddon {
  loadModel(dir: string, spec: NativeModelSpec): Promise<NativeModel>;
  connectedComponents(mask: Uint8Array, width: number, height: number): Promise<ConnectedComponents>;
  cudaAvailable(): boolean;
}

let addon: NativeAddon | undefined;
let preloaded: Promise<void> | undefined;

/**
 * The environment the addon's libraries read once, when they load. libgomp and OpenBLAS: how long idle threads
 * spin. By default both spin after every parallel region or matrix product (OpenBLAS for ~0.1 s), stealing the
 * cores from each other, from the event loop and from anything else on a small machine: encodes 15-30% slower,
 * 2-3x beside other work. Explicit settings are kept. The core: SAM2_CPU_CACHE_MB, checked here so that a bad value
 * is an error that names it rather than a default taken in silence.
 */
function prepareEnvironment(): void {
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  process.env.OPENBLAS_THREAD_TIMEOUT ??= '4';
  const cacheMb = process.env.SAM2_CPU_CACHE_MB;
  if (cacheMb !== undefined && !/^\d{1,7}$/.test(cacheMb)) {
    throw new InvalidArgumentError('SAM2_CPU_CACHE_MB', `must be a whole number of MiB, got '${cacheMb}'`);
  }
}

/**
 * Loads the addon's shared libraries (libtorch: a few hundred ms of dlopen and static initialisers) on a worker
 * thread, so that {@link native} then finds them in memory instead of holding the event loop that long.
 */
export function preloadNative(): Promise<void> {
  // Outside the promise: a bad setting rejects this load, not every later one.
  if (!addon) prepareEnvironment();
  preloaded ??= new Promise((resolve) => {
    const loader = new URL('../scripts/lib/load-addon.mjs', import.meta.url).href;
    const load = `import(${JSON.stringify(loader)}).then((m) => m.loadAddon(${JSON.stringify(packageRoot)}))`;
    // A failure is reported by native() itself, with its message.
    new Worker(load, { eval: true }).on('exit', () => resolve()).on('error', () => resolve());
  });
  return preloaded;
}

/** The addon, loaded on first use so that argument errors surface even where it is not built. */
export function native(): NativeAddon {
  if (addon) return addon;
  prepareEnvironment();
  let loaded: Partial<NativeAddon>;
  try {
    loaded = loadAddon(packageRoot) as Partial<NativeAddon>;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if ((err as { code?: unknown }).code === LIBTORCH_NOT_FOUND) throw new LibtorchNotFoundError(reason, { cause: err });
    throw new Sam2Error(
      `the native addon could not be loaded from ${packageRoot} (${reason}); rebuild it with \`npm rebuild sam2-node\` ` +
        '(in a checkout of sam2-node: `npm run build:native`)',
      { cause: err },
    );
  }
  for (const fn of ['loadModel', 'connectedComponents', 'cudaAvailable'] as const) {
    if (typeof loaded[fn] !== 'function') {
      throw new Sam2Error(`the native addon in ${packageRoot} has no ${fn}(); it is stale, rebuild it`);
    }
  }
  addon = loaded as NativeAddon;
  return addon;
}
