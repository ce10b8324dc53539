// npm's install hook: use a prebuild or an earlier build when one loads, else build from source.
import { ensureAddon } from './lib/native-build.mjs';

try {
  ensureAddon();
} catch (err) {
  process.stderr.write(`sam2-node: ${err.message}\n`);
  process.exit(1);
}
