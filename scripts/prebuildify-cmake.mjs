#!/usr/bin/env node
// prebuildify drives node-gyp (`rebuild --target=.. --arch=.. --release`); this stand-in answers that
// call with cmake-js, which builds the same build/Release/sam2_node.node. N-API builds do not depend
// on the Node version, so --target is ignored. binding.gyp's action calls it with no arguments from
// inside node-gyp's own build/ tree: then CMake works in build/cmake and the result is copied out.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, compileAddon } from './lib/native-build.mjs';

const args = process.argv.slice(2);
const arch = args.find((a) => a.startsWith('--arch='))?.slice('--arch='.length);
const extra = [];
if (arch) extra.push(`--arch=${arch}`);
if (args.includes('--debug')) extra.push('--debug');
const fromGyp = args.length === 0;
if (fromGyp) extra.push('--out', join(ROOT, 'build', 'cmake'));
try {
  compileAddon(extra);
  if (fromGyp) {
    mkdirSync(join(ROOT, 'build', 'Release'), { recursive: true });
    copyFileSync(join(ROOT, 'build', 'cmake', 'Release', 'sam2_node.node'), join(ROOT, 'build', 'Release', 'sam2_node.node'));
  }
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
