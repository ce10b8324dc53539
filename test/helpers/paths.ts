import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The parity fixtures (read-only). */
export const parityDir = resolve(process.env.SAM2_PARITY_DIR ?? join(repoRoot, '..', 'shared', 'parity', 'mini'));

/** The mini checkpoint exported by `npm run setup` (scripts/lib/test-model.mjs). */
export const modelDir = resolve(process.env.SAM2_TEST_MODEL_DIR ?? join(repoRoot, 'test', '.cache', 'mini'));
