// libtorch for the addon and a Python with torch for the exporter. On Debian/Ubuntu as root they come
// from apt (OpenBLAS explicitly: without it libtorch falls back to the reference BLAS, ~8x slower);
// anywhere else the user points Torch_DIR/LIBTORCH and SAM2_PYTHON at their own.
import { existsSync } from 'node:fs';
import { findPython } from './python.mjs';
import { log, run, succeeds } from './run.mjs';

const DEBIAN_PACKAGES = ['libtorch-dev', 'python3-torch', 'libopenblas0-pthread', 'python3-yaml', 'python3-numpy', 'python3-pil'];
const DEBIAN_TORCH_CONFIG = '/usr/lib/x86_64-linux-gnu/cmake/Torch/TorchConfig.cmake';

function userLibtorch(env) {
  return Boolean(env.Torch_DIR || env.LIBTORCH);
}

export function missingSystemDeps(env = process.env) {
  const missing = [];
  if (!userLibtorch(env) && !existsSync(DEBIAN_TORCH_CONFIG)) missing.push('libtorch');
  if (!findPython(env)) missing.push('python-torch');
  if (!existsSync('/usr/lib/x86_64-linux-gnu/libopenblas.so.0') && !userLibtorch(env)) missing.push('openblas');
  return missing;
}

export function ensureSystemDeps(env = process.env) {
  const missing = missingSystemDeps(env);
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && succeeds('apt-get', ['--version'])) {
    log(`installing ${DEBIAN_PACKAGES.join(' ')} with apt-get (missing: ${missing.join(', ')})`);
    const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-qq'], { env: aptEnv });
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...DEBIAN_PACKAGES], { env: aptEnv });
    return;
  }
  throw new Error(
    `sam2-node needs libtorch and a Python with torch (missing: ${missing.join(', ')}).\n` +
      '  Debian/Ubuntu: sudo apt-get install libtorch-dev python3-torch libopenblas0-pthread python3-yaml\n' +
      '  Elsewhere: pip install torch, then export LIBTORCH=$(python3 -c "import torch,os;print(os.path.dirname(torch.__file__))")\n' +
      '  and SAM2_PYTHON=$(which python3) (or Torch_DIR=<libtorch>/share/cmake/Torch).',
  );
}
