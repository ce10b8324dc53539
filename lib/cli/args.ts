// Parsing of the command-line values the commands share. Every error names the flag and is a UsageError
// (exit code 2, usage printed).
import { parseArgs } from 'node:util';
import { UsageError } from '../commands/command.js';

/** The flag table of a command, as node:util parseArgs takes it. */
export type FlagTable = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

/** What {@link parseFlags} returns: each flag's value (an array for `multiple` flags) and the positionals. */
export interface ParsedFlags<O extends FlagTable> {
  values: {
    [K in keyof O]?: O[K] extends { multiple: true } ? FlagValue<O[K]>[] : FlagValue<O[K]>;
  };
  positionals: string[];
}
type FlagValue<F extends FlagTable[string]> = F['type'] extends 'boolean' ? boolean : string;

/** node:util parseArgs in strict mode with positionals, its errors turned into usage errors. */
export function parseFlags<O extends FlagTable>(args: string[], options: O): ParsedFlags<O> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true }) as ParsedFlags<O>;
  } catch (err) {
    // parseArgs names the offending flag in its message ("Unknown option '--foo'", "Option '--out <value>' ...").
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

/** Exactly one positional argument, described by `name` in errors. */
export function onePositional(positionals: string[], name: string): string {
  if (positionals.length === 0) throw new UsageError(`${name} is required`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
  return positionals[0];
}

/** A whole number >= `min`. */
export function parseInteger(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${flag}: expected a whole number >= ${min}, got '${value}'`);
  }
  return n;
}

function numbers(value: string, count: number, flag: string, form: string): number[] {
  const parts = value.split(',');
  const values = parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
  if (parts.length !== count || !values.every(Number.isFinite)) {
    throw new UsageError(`${flag}: expected ${form}, got '${value}'`);
  }
  return values;
}

/** A click: `x,y` (positive) or `x,y:label` with label 1 (include) or 0 (exclude). */
export function parsePoint(value: string, flag: string): { point: [number, number]; label: number } {
  const [xy, label = '1', ...rest] = value.split(':');
  if (rest.length > 0 || (label !== '0' && label !== '1')) {
    throw new UsageError(`${flag}: expected x,y or x,y:label with label 1 (include) or 0 (exclude), got '${value}'`);
  }
  const [x, y] = numbers(xy, 2, flag, 'x,y[:label] with numbers');
  return { point: [x, y], label: Number(label) };
}

/** A box `x0,y0,x1,y1`, top-left and bottom-right corners. */
export function parseBox(value: string, flag: string): [number, number, number, number] {
  const [x0, y0, x1, y1] = numbers(value, 4, flag, 'x0,y0,x1,y1 with numbers');
  if (x0 > x1 || y0 > y1) throw new UsageError(`${flag}: expected x0 <= x1 and y0 <= y1, got '${value}'`);
  return [x0, y0, x1, y1];
}

/** `id:rest`: a positive whole-number object id, a colon, the value. */
export function splitObjectId(value: string, flag: string): { id: number; rest: string } {
  const colon = value.indexOf(':');
  const id = colon > 0 ? value.slice(0, colon) : '';
  if (!/^\d+$/.test(id) || Number(id) < 1 || Number(id) > 2 ** 31 - 1) {
    throw new UsageError(`${flag}: expected a positive whole-number object id before ':', got '${value}'`);
  }
  return { id: Number(id), rest: value.slice(colon + 1) };
}
