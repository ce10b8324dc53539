import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sam2Model, type DType, type Device, type LoadOptions } from '../../lib/index.js';
import { modelDir } from './paths.js';

export interface ModelManifest {
  formatVersion: number;
  name: string;
  imageSize: number;
  torchVersion: string;
  files: Record<string, { sha256: string; bytes: number }>;
}

/** The exported mini model's directory; a clear failure when setup has not made it. */
export function testModelDir(): string {
  if (!existsSync(join(modelDir, 'manifest.json'))) {
    throw new Error(`no exported test model at ${modelDir}: run \`npm run setup\` (or set SAM2_TEST_MODEL_DIR)`);
  }
  return modelDir;
}

export function readModelManifest(dir = testModelDir()): ModelManifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
}

/** Where the suites run the model: the CPU unless scripts/gpu-check.sh asks for CUDA and a reduced dtype. */
export const testDevice = (process.env.SAM2_TEST_DEVICE ?? 'cpu') as Device;
export const testDtype = (process.env.SAM2_TEST_DTYPE ?? 'float32') as DType;

/**
 * Parity tolerances for {@link testDtype}. float32 uses the fixtures' README values (float32 noise is ~1e-6);
 * 16-bit types round every operand to 8 or 11 significant bits, which costs 1e-3 to 1e-2 relative error.
 */
export const tolerance =
  testDtype === 'float32'
    ? { relL2: 1e-5, maskFraction: 1e-4, score: 1e-5 }
    : { relL2: 3e-2, maskFraction: 3e-2, score: 3e-2 };

export function loadTestModel(options?: LoadOptions): Promise<Sam2Model> {
  return Sam2Model.load(testModelDir(), { device: testDevice, dtype: testDtype, ...options });
}
