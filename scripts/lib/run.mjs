// Small process helpers shared by the install, setup and test scripts (plain Node, no dependencies:
// they run before `npm install` has happened).
import { spawnSync } from 'node:child_process';

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

export function succeeds(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'ignore', ...opts });
  return !r.error && r.status === 0;
}

export function log(msg) {
  process.stderr.write(`[sam2-node] ${msg}\n`);
}
