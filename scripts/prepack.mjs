// `npm pack` / `npm publish`: build what the tarball ships and a checkout lacks, the compiled TypeScript and the
// prebuilt addon for this platform (prebuilds/<platform>-<arch>/sam2-node.node, made by prebuildify).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/native-build.mjs';
import { packageBin } from './lib/resolve.mjs';
import { log, run } from './lib/run.mjs';
import { ensureTypeScript } from './lib/typescript.mjs';

// prebuildify moves the addon out of <cwd>/build/Release: give it a staging folder, not the working build/.
const STAGING = join(ROOT, 'build', 'prebuildify');

try {
  ensureTypeScript();
  rmSync(join(ROOT, 'prebuilds', `${process.platform}-${process.arch}`), { recursive: true, force: true });
  rmSync(STAGING, { recursive: true, force: true });
  mkdirSync(STAGING, { recursive: true });
  log('making the prebuilt addon with prebuildify');
  const args = ['--napi', '--strip', '--name', 'sam2-node', '--cwd', STAGING, '--out', ROOT,
    '--node-gyp', join(ROOT, 'scripts', 'prebuildify-cmake.mjs')];
  run(process.execPath, [packageBin('prebuildify'), ...args], { cwd: ROOT });
} catch (err) {
  process.stderr.write(`sam2-node prepack: ${err.message}\n`);
  process.exit(1);
}
