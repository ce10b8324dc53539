import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sam2Model, type LoadOptions } from '../../lib/index.js';
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

export function loadTestModel(options?: LoadOptions): Promise<Sam2Model> {
  return Sam2Model.load(testModelDir(), options);
}
