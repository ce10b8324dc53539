// The bench's models, exported with --onnx under bench/.cache/ on first use (and again when the exporter changes),
// so that onnxruntime-node runs the very weights the native core runs:
//   mini      the parity fixtures' random-weight checkpoint, 512 px (the test model, plus its .onnx files)
//   tiny-1024 the SAM 2.1 tiny architecture at 1024 px with seeded random weights (no checkpoint)
//   mini-1024 the mini checkpoint exported at 1024 px: the cheapest model whose frames are 1024 px, for the video
//             suite's memory rows (`--model mini-1024 --video-model mini-1024 --suite video`); not run by default
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPython } from '../scripts/lib/python.mjs';
import { log, run } from '../scripts/lib/run.mjs';
import { PARITY_DIR, exporterFingerprint } from '../scripts/lib/test-model.mjs';

const CACHE = join(dirname(fileURLToPath(import.meta.url)), '.cache');
const EXPORTER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'export');
const TINY_SEED = 0;

function miniAt(size) {
  const checkpoint = join(PARITY_DIR, 'checkpoint.pt');
  const name = size ? `mini-${size}` : 'mini';
  return {
    args: [
      ...['--checkpoint', checkpoint, '--config', join(PARITY_DIR, 'config.json'), '--name', name],
      ...(size ? ['--image-size', String(size)] : []),
    ],
    identity: `${checkpoint}:${statSync(checkpoint).size}:${size ?? 'native'}`,
  };
}

const MODELS = {
  mini: () => miniAt(),
  'tiny-1024': () => ({
    args: ['--random-weights', String(TINY_SEED), '--config', 'tiny', '--name', `sam2.1-tiny-random-${TINY_SEED}`],
    identity: `tiny:${TINY_SEED}`,
  }),
  'mini-1024': () => miniAt(1024),
};
export const BENCH_MODELS = Object.keys(MODELS);
export const DEFAULT_BENCH_MODELS = ['mini', 'tiny-1024'];

/** The directory of bench model `name`, exported first if missing or stale. */
export function ensureBenchModel(name) {
  const make = MODELS[name];
  if (!make) throw new Error(`unknown bench model ${name} (known: ${BENCH_MODELS.join(', ')})`);
  const { args, identity } = make();
  const dir = join(CACHE, name);
  const stampFile = join(dir, '.fingerprint');
  const fingerprint = exporterFingerprint(identity, 'onnx');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === fingerprint) return dir;
  const python = findPython();
  if (!python) throw new Error('no Python with torch found to export the bench models (set SAM2_PYTHON)');
  log(`exporting bench model ${name} to ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  run(python, ['-W', 'ignore', '-m', 'sam2_export', ...args, '--onnx', '--out', dir], {
    env: { ...process.env, PYTHONPATH: EXPORTER_DIR },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  writeFileSync(stampFile, fingerprint);
  return dir;
}
