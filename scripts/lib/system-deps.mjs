// libtorch for the addon and a Python with torch for the exporter. On Debian/Ubuntu as root they come
// from apt (OpenBLAS explicitly: without it libtorch falls back to the reference BLAS, ~8x slower);
// anywhere else the user points Torch_DIR/LIBTORCH and SAM2_PYTHON at their own.
import { existsSync } from 'node:fs';
import { findPython } from './python.mjs';
import { log, run, succeeds } from './run.mjs';

const DEBIAN_PACKAGES = ['libtorch-dev', 'python3-torch', 'libopenblas0-pthread', 'python3-yaml', 'python3-numpy', 'python3-pil'];
// Optional: `sam2-node track VIDEO` streams frames out of ffmpeg; installed alongside when apt is at hand.
const OPTIONAL_DEBIAN_PACKAGES = ['ffmpeg'];
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

function aptInstall(packages, env) {
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env: aptEnv });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env: aptEnv });
}

export function ensureSystemDeps(env = process.env) {
  const missing = missingSystemDeps(env);
  const optional = succeeds('ffmpeg', ['-version']) ? [] : OPTIONAL_DEBIAN_PACKAGES;
  if (missing.length === 0 && optional.length === 0) return;
  const canApt = typeof process.getuid === 'function' && process.getuid() === 0 && succeeds('apt-get', ['--version']);
  if (canApt) {
    const packages = [...(missing.length > 0 ? DEBIAN_PACKAGES : []), ...optional];
    log(`installing ${packages.join(' ')} with apt-get`);
    aptInstall(packages, env);
    return;
  }
  if (missing.length === 0) return;
  throw new Error(
    `sam2-node needs libtorch and a Python with torch (missing: ${missing.join(', ')}).\n` +
      '  Debian/Ubuntu: sudo apt-get install libtorch-dev python3-torch libopenblas0-pthread python3-yaml\n' +
      '  Elsewhere: pip install torch --index-url https://download.pytorch.org/whl/cpu, then export LIBTORCH=$(python3 -c "import torch,os;print(os.path.dirname(torch.__file__))")\n' +
      '  and SAM2_PYTHON=$(which python3) (or Torch_DIR=<libtorch>/share/cmake/Torch), then `npm rebuild sam2-node`.',
  );
}
