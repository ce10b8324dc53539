// The contract with the native addon (docs/ARCHITECTURE.md, "Native addon interface"). Arguments are checked in
// lib/ before they get here; the addon re-checks them and tags its errors (see errors.ts).
import { createRequire } from 'node:module';
import type { ConnectedComponents, ModelInfo } from './types.js';
import { Sam2Error } from './errors.js';
import { packageRoot } from './paths.js';

export interface NativeEmbedding {
  dispose(): void;
  readonly disposed: boolean;
  readonly width: number;
  readonly height: number;
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

export interface NativePrediction {
  count: number;
  width: number;
  height: number;
  masks: Uint8Array;
  scores: Float32Array;
  lowResLogits: Float32Array;
  lowResSize: number;
  logits?: Float32Array;
}

/** The part of {@link ModelInfo} the addon knows; the rest comes from manifest.json. */
export type NativeModelInfo = Omit<ModelInfo, 'name' | 'formatVersion' | 'torchVersion'>;

export interface NativeModel {
  info(): NativeModelInfo;
  encodeImage(data: Uint8Array, width: number, height: number, channels: number): Promise<NativeEmbedding>;
  predict(emb: NativeEmbedding, prompt: NativePrompt): Promise<NativePrediction>;
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

/** The addon, loaded on first use so that argument errors surface even where it is not built. */
export function native(): NativeAddon {
  if (addon) return addon;
  let loaded: Partial<NativeAddon>;
  try {
    const load = createRequire(import.meta.url)('node-gyp-build') as (dir: string) => Partial<NativeAddon>;
    loaded = load(packageRoot);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Sam2Error(
      `the native addon could not be loaded from ${packageRoot} (${reason}); build it with \`npm run build:native\``,
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
