#!/usr/bin/env node
// prebuildify drives node-gyp: it runs `<this> rebuild --target=.. --arch=.. --release` in its --cwd, then takes
// (strips, moves) the .node under <cwd>/build/Release. This stand-in answers with cmake-js in the package's own
// build/: an up-to-date tree (`npm test`'s set-up just built it) costs seconds, not a recompile. The result is
// copied into prebuildify's cwd, a staging folder (scripts/prepack.mjs), so the working build/ is left intact.
// N-API builds do not depend on the Node version, so --target is ignored. binding.gyp's action calls it with no
// arguments from inside node-gyp's own build/ tree: then CMake works in build/cmake and the result is copied out.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT, compileAddon } from './lib/native-build.mjs';

const args = process.argv.slice(2);
const arch = args.find((a) => a.startsWith('--arch='))?.slice('--arch='.length);
const debug = args.includes('--debug');
const fromGyp = args.length === 0;
const config = debug ? 'Debug' : 'Release';
try {
  if (arch && arch !== process.arch) throw new Error(`cannot build for ${arch} on ${process.arch}: cross builds are not supported`);
  const extra = [...(debug ? ['--debug'] : []), ...(fromGyp ? ['--out', join(ROOT, 'build', 'cmake')] : [])];
  compileAddon(extra);
  const built = fromGyp ? join(ROOT, 'build', 'cmake', config, 'sam2_node.node') : join(ROOT, 'build', config, 'sam2_node.node');
  // From prebuildify: its cwd is the staging folder. From node-gyp: the package root.
  const target = join(fromGyp ? ROOT : resolve('.'), 'build', config);
  if (resolve(target, 'sam2_node.node') !== built) {
    mkdirSync(target, { recursive: true });
    copyFileSync(built, join(target, 'sam2_node.node'));
  }
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
