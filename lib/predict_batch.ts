// Validation of the prompt lists of predictBatch and predictMany: every error names the item it is about.
import { InvalidArgumentError } from './errors.js';
import type { NativePrompt } from './native.js';
import { PREDICT_OPTION_KEYS, toNativePrompt, type PromptBounds } from './prompt.js';
import { checkKnownKeys, invalidParameter, is } from './validate.js';

/**
 * Most prompts one {@link Sam2Model.predictBatch} or {@link Sam2Model.predictMany} call takes. The prompt decoder's
 * activations grow with the batch (about 20 MiB per prompt at image size 1024), so this bounds one call's peak
 * memory to a few GiB; split longer lists (the native core enforces the same limit).
 */
export const MAX_BATCH_PROMPTS = 256;

/** Checks that `list` is an array of at most {@link MAX_BATCH_PROMPTS} items; holes of a sparse one read as undefined. */
export function checkPromptList(list: unknown, name: string): readonly unknown[] {
  if (!Array.isArray(list)) throw invalidParameter(name, 'an array', list);
  if (list.length > MAX_BATCH_PROMPTS) {
    throw new InvalidArgumentError(name, `at most ${MAX_BATCH_PROMPTS} prompts per call, got ${list.length}; split it`);
  }
  return Array.from(list as unknown[]);
}

/**
 * {@link toNativePrompt} for item `name` of a list (`prompts[3]`): unknown keys are rejected, and every error names
 * the item's field (`prompts[3].box`) instead of the bare one.
 */
export function toListedNativePrompt(
  options: unknown,
  lowResSize: number,
  bounds: PromptBounds,
  name: string,
): NativePrompt {
  if (!is.object(options)) throw invalidParameter(name, 'an object with points, box or maskInput', options);
  checkKnownKeys(options, PREDICT_OPTION_KEYS, `${name}.`);
  try {
    return toNativePrompt(options, lowResSize, bounds);
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
    const field = err.parameter === 'options' ? name : `${name}.${err.parameter}`;
    throw new InvalidArgumentError(field, err.message.slice(err.parameter.length + 2), { cause: err });
  }
}
