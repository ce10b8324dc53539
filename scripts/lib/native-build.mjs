// The addon is built by cmake-js; an install with a matching prebuild (or an existing build) compiles nothing.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemDeps } from './system-deps.mjs';
import { log, run } from './run.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** True when node-gyp-build finds an addon that actually loads (checked in a child: a bad .node can abort). */
export function addonLoads() {
  const probe = `require('node-gyp-build')(${JSON.stringify(ROOT)})`;
  const r = spawnSync(process.execPath, ['-e', probe], { cwd: ROOT, stdio: 'ignore' });
  return r.status === 0;
}

export function compileAddon(extraArgs = []) {
  ensureSystemDeps();
  const cmakeJs = join(ROOT, 'node_modules', 'cmake-js', 'bin', 'cmake-js');
  const args = ['compile', ...extraArgs];
  if (process.env.Torch_DIR) args.push(`--CDTorch_DIR=${process.env.Torch_DIR}`);
  if (process.env.CMAKE_BUILD_PARALLEL_LEVEL === undefined) process.env.CMAKE_BUILD_PARALLEL_LEVEL = '2';
  log(`building the addon: cmake-js ${args.join(' ')}`);
  run(process.execPath, [cmakeJs, ...args], { cwd: ROOT });
}

export function ensureAddon() {
  if (!addonLoads()) compileAddon();
}
