import { InvalidArgumentError } from './errors.js';

/** Byte arrays the package accepts for images and masks (Buffer is a Uint8Array). */
export type ByteArray = Uint8Array | Uint8ClampedArray;

const INT32_MAX = 2 ** 31 - 1;

export const is = {
  object: (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v),
  string: (v: unknown): v is string => typeof v === 'string',
  boolean: (v: unknown): v is boolean => typeof v === 'boolean',
  finite: (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v),
  /** An integer the native side can hold in an int32. */
  int32: (v: unknown): v is number => Number.isInteger(v) && Math.abs(v as number) <= INT32_MAX,
  positiveInt32: (v: unknown): v is number => is.int32(v) && v > 0,
  nonNegativeInt32: (v: unknown): v is number => is.int32(v) && v >= 0,
  byteArray: (v: unknown): v is ByteArray => v instanceof Uint8Array || v instanceof Uint8ClampedArray,
  allFinite: (v: ArrayLike<number>): boolean => {
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
    return true;
  },
};

/** Short description of a received value for error messages, without dumping large arrays. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) {
    const length = (v as unknown as ArrayLike<unknown>).length ?? v.byteLength;
    return `a ${v.constructor.name} of length ${length}`;
  }
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** The error for a parameter that is not what it should be: `"<name>: expected <expected>, got <actual>"`. */
export function invalidParameter(name: string, expected: string, actual: unknown): InvalidArgumentError {
  return new InvalidArgumentError(name, `expected ${expected}, got ${describe(actual)}`);
}

/**
 * Checks a byte-array argument that must hold exactly `length` bytes; `shape` says what they are (`640x480x3`).
 * A typed array whose buffer was transferred away (postMessage, structuredClone) reads as empty: the error says so.
 */
export function checkBytes(value: unknown, length: number, name: string, shape: string): ByteArray {
  if (!is.byteArray(value)) throw invalidParameter(name, 'a Buffer, Uint8Array or Uint8ClampedArray', value);
  if (value.length === length) return value;
  const got = isDetached(value) ? 'a typed array whose ArrayBuffer is detached (transferred)' : `${value.length}`;
  throw new InvalidArgumentError(name, `expected ${length} bytes (${shape}), got ${got}`);
}

function isDetached(view: ByteArray): boolean {
  if (view.byteLength !== 0 || !(view.buffer instanceof ArrayBuffer)) return false;
  try {
    // A detached buffer cannot be viewed; Node 20 has no ArrayBuffer.prototype.detached to ask.
    new Uint8Array(view.buffer);
    return false;
  } catch {
    return true;
  }
}

/** A zero-copy Uint8Array view of the caller's bytes, which is the only byte type the addon takes. */
export function asUint8Array(v: ByteArray): Uint8Array {
  return v instanceof Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * The option names of `T`, from an object literal that the compiler checks to name each of them, and nothing else:
 * an option added to `T` cannot be forgotten in the list {@link checkKnownKeys} is given.
 */
export function optionNames<T>(names: Record<keyof T, true>): readonly string[] {
  return Object.keys(names);
}

/**
 * Rejects the keys of an options object that the call does not know, so a typo (`multiMask`) fails loudly
 * instead of being ignored. The error names the key (with `prefix`, e.g. `prompts[3].multiMask`) and the nearest
 * known key, or lists them all when none is close.
 */
export function checkKnownKeys(options: Record<string, unknown>, known: readonly string[], prefix = ''): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const nearest = nearestName(key, known);
    const hint = nearest ? `did you mean '${nearest}'?` : `expected one of ${known.join(', ')}`;
    throw new InvalidArgumentError(`${prefix}${key}`, `unknown option; ${hint}`);
  }
}

/** The known name closest to `name` by case-insensitive edit distance, when it is close enough to be a typo. */
function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    // The distance is at least the difference in length: a long key costs nothing to rule out.
    if (Math.abs(candidate.length - name.length) >= bestDistance) continue;
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
