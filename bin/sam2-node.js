#!/usr/bin/env node
// The CLI is compiled TypeScript in dist/; this shim only points at it.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('sam2-node: dist/ is not built; run `npm run build:ts` in the sam2-node package\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
