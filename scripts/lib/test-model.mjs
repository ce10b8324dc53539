// The small model the tests, the demo and the benchmarks run on: the parity fixtures' random-weight
// checkpoint exported by our exporter. Re-exported whenever the exporter's sources change.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from './native-build.mjs';
import { findPython } from './python.mjs';
import { log, run } from './run.mjs';

export const PARITY_DIR = resolve(process.env.SAM2_PARITY_DIR ?? join(ROOT, '..', 'shared', 'parity', 'mini'));
export const TEST_MODEL_DIR = resolve(process.env.SAM2_TEST_MODEL_DIR ?? join(ROOT, 'test', '.cache', 'mini'));
const EXPORTER_DIR = join(ROOT, 'scripts', 'export');

/** Changes whenever the exporter's sources or one of `inputs` (what else an export depends on) change. */
export function exporterFingerprint(...inputs) {
  const h = createHash('sha256');
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.py')) h.update(name).update(readFileSync(p));
    }
  };
  walk(EXPORTER_DIR);
  for (const input of inputs) h.update(input);
  return h.digest('hex');
}

export function ensureTestModel() {
  const checkpoint = join(PARITY_DIR, 'checkpoint.pt');
  if (!existsSync(checkpoint)) {
    throw new Error(`parity fixtures not found at ${PARITY_DIR} (set SAM2_PARITY_DIR)`);
  }
  const stampFile = join(TEST_MODEL_DIR, '.fingerprint');
  const fingerprint = exporterFingerprint(`${checkpoint}:${statSync(checkpoint).size}`);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === fingerprint) return TEST_MODEL_DIR;
  const python = findPython();
  if (!python) throw new Error('no Python with torch found to export the test model (set SAM2_PYTHON)');
  log(`exporting the mini test model to ${TEST_MODEL_DIR}`);
  rmSync(TEST_MODEL_DIR, { recursive: true, force: true });
  run(python, ['-m', 'sam2_export', '--checkpoint', checkpoint, '--config', join(PARITY_DIR, 'config.json'), '--out', TEST_MODEL_DIR, '--name', 'mini'], {
    env: { ...process.env, PYTHONPATH: EXPORTER_DIR },
  });
  writeFileSync(stampFile, fingerprint);
  return TEST_MODEL_DIR;
}
