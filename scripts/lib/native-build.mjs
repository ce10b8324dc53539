// The addon is built by cmake-js; an install with a prebuild that loads (or an existing build) compiles nothing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemDeps } from './system-deps.mjs';
import { packageBin } from './resolve.mjs';
import { log, run } from './run.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Whether the addon node-gyp-build picks here loads, the way the library loads it (load-addon.mjs), and if not, why.
 * Checked in a child process: a .node built against another libtorch can abort the process that loads it.
 */
export function probeAddon() {
  const loader = new URL('./load-addon.mjs', import.meta.url).href;
  const probe =
    `import(${JSON.stringify(loader)}).then((m) => m.loadAddon(${JSON.stringify(ROOT)}))` +
    '.catch((err) => { process.stderr.write(err.message); process.exit(1); })';
  const r = spawnSync(process.execPath, ['-e', probe], { cwd: ROOT, encoding: 'utf8' });
  if (r.status === 0) return { loads: true };
  return { loads: false, reason: r.stderr.trim() || `the probe ended with ${r.status ?? r.signal}` };
}

export function compileAddon(extraArgs = []) {
  ensureSystemDeps();
  const args = ['compile', ...extraArgs];
  if (process.env.Torch_DIR) args.push(`--CDTorch_DIR=${process.env.Torch_DIR}`);
  if (process.env.CMAKE_BUILD_PARALLEL_LEVEL === undefined) process.env.CMAKE_BUILD_PARALLEL_LEVEL = '2';
  log(`building the addon: cmake-js ${args.join(' ')}`);
  run(process.execPath, [packageBin('cmake-js'), ...args], { cwd: ROOT });
}

/** SAM2_BUILD_FROM_SOURCE=1, or npm's `--build-from-source` (passed on as npm_config_build_from_source), skips any prebuild. */
function fromSourceRequested(env = process.env) {
  return env.SAM2_BUILD_FROM_SOURCE === '1' || env.npm_config_build_from_source === 'true';
}

export function ensureAddon() {
  if (fromSourceRequested()) {
    log('building from source as asked, not using a prebuilt addon');
    compileAddon();
    return;
  }
  let probe = probeAddon();
  if (!probe.loads) {
    // As root on Debian this installs libtorch, after which the prebuild may load; elsewhere it says what is missing.
    ensureSystemDeps();
    probe = probeAddon();
  }
  if (probe.loads) {
    log('the addon loads; nothing to build');
    return;
  }
  const hasPrebuild = existsSync(join(ROOT, 'prebuilds', `${process.platform}-${process.arch}`));
  log(`${hasPrebuild ? 'the prebuilt addon does not load here' : `no prebuilt addon for ${process.platform}-${process.arch}`} (${probe.reason}); building it from source`);
  compileAddon();
}
