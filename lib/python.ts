import { execFile } from 'node:child_process';
import { Sam2Error } from './errors.js';

/** Tried in order when `SAM2_PYTHON` is not set; the second catches a PATH python (pyenv, venv) without torch. */
const CANDIDATES = ['python3', '/usr/bin/python3'];

/**
 * The Python interpreter to run the exporter with: `$SAM2_PYTHON`, else the first candidate that can
 * `import torch`.
 */
export async function findPython(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const chosen = env.SAM2_PYTHON;
  if (chosen) {
    const problem = await torchProblem(chosen, env);
    if (problem === undefined) return chosen;
    throw new Sam2Error(`SAM2_PYTHON=${chosen} cannot \`import torch\`: ${problem}`);
  }
  const problems: string[] = [];
  for (const python of CANDIDATES) {
    const problem = await torchProblem(python, env);
    if (problem === undefined) return python;
    problems.push(`${python}: ${problem}`);
  }
  throw new Sam2Error(
    `no Python that can \`import torch\` was found (${problems.join('; ')}). ` +
      'Install PyTorch, or set SAM2_PYTHON to a Python that has it.',
  );
}

/** Why `python` cannot import torch, or undefined when it can. */
function torchProblem(python: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(python, ['-c', 'import torch'], { env, timeout: 120_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve(undefined);
      const lastLine = stderr.trim().split('\n').pop();
      resolve(lastLine || err.message);
    });
  });
}
