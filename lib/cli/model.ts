// The flags that load a model, shared by the commands that run one.
import { UsageError } from '../commands/command.js';
import { InvalidArgumentError, ModelLoadError } from '../errors.js';
import { Sam2Model, checkLoadOptions } from '../model.js';
import type { Device, DType } from '../types.js';
import { parseInteger, required } from './args.js';

export const MODEL_FLAGS = {
  model: { type: 'string' },
  device: { type: 'string' },
  dtype: { type: 'string' },
  threads: { type: 'string' },
} as const;

const MODEL_FLAG_HELP: [string, string][] = [
  ['--model DIR', 'an exported model directory (sam2-node download or sam2-node export makes one)'],
  ['--device DEVICE', 'cpu (default), cuda or cuda:N'],
  ['--dtype TYPE', "float32 (default), bfloat16 or float16 ('sam2-node info' shows which run here)"],
  ['--threads N', 'CPU threads (default: every core)'],
];

/** The help lines of {@link MODEL_FLAGS}, descriptions starting at `column` like the command's other flags. */
export function modelHelp(column: number): string {
  return MODEL_FLAG_HELP.map(([flag, text]) => `  ${flag}`.padEnd(column) + text).join('\n');
}

/**
 * Loads the model the flags name. A malformed --device/--dtype/--threads is a usage error naming the flag; a
 * well-formed one this machine cannot run (cuda without CUDA, float16 on a CPU libtorch) is a run-time failure.
 */
export async function loadModelFromFlags(values: {
  model?: string;
  device?: string;
  dtype?: string;
  threads?: string;
}): Promise<Sam2Model> {
  const dir = required(values.model, '--model');
  const threads = values.threads === undefined ? undefined : parseInteger(values.threads, '--threads', 1);
  const options = { device: (values.device ?? 'cpu') as Device, dtype: (values.dtype ?? 'float32') as DType, threads };
  try {
    checkLoadOptions(options);
  } catch (err) {
    // The options' names are flags on the command line.
    throw err instanceof InvalidArgumentError ? new UsageError(`--${err.message}`) : err;
  }
  try {
    return await Sam2Model.load(dir, options);
  } catch (err) {
    if (err instanceof InvalidArgumentError && ['device', 'dtype'].includes(err.parameter)) {
      throw new InvalidArgumentError(`--${err.parameter}`, `--${err.message}`, { cause: err });
    }
    // Its "model: ..." errors are about the directory --model names.
    if (err instanceof ModelLoadError && err.message.startsWith('model: ')) {
      throw new ModelLoadError(`--${err.message}`, { cause: err });
    }
    throw err;
  }
}
