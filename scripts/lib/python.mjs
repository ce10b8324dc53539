// Which Python runs the exporter: SAM2_PYTHON, else the first of python3 and /usr/bin/python3 that
// imports torch (a pyenv or venv python3 on PATH often has no torch while the system one does).
import { succeeds } from './run.mjs';

export const PYTHON_CANDIDATES = ['python3', '/usr/bin/python3'];

export function findPython(env = process.env) {
  if (env.SAM2_PYTHON) return succeeds(env.SAM2_PYTHON, ['-c', 'import torch']) ? env.SAM2_PYTHON : null;
  return PYTHON_CANDIDATES.find((p) => succeeds(p, ['-c', 'import torch'])) ?? null;
}
