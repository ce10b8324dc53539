// Progress of long work on stderr: a redrawn bar on a terminal, plain periodic lines in logs and pipes.

/** Where progress goes: process.stderr, or a stand-in in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** Shown first, e.g. the command's name. */
  label: string;
  /** Units of work, if known: enables the percentage and the ETA. */
  total?: number;
  unit: 'frames' | 'batches' | 'bytes';
  /** Units already done before this run (a resumed download); they do not count towards the rate. */
  initial?: number;
  stream?: ProgressStream;
  /** Milliseconds between lines when the stream is not a terminal; default 5000. */
  intervalMs?: number;
  /** The clock, in milliseconds. */
  now?: () => number;
}

// A terminal is redrawn at most this often, so per-chunk updates of a download cost nothing.
const REDRAW_MS = 100;
const BAR_WIDTH = 24;

export class Progress {
  readonly #o: Required<Omit<ProgressOptions, 'total'>> & { total?: number };
  readonly #start: number;
  #done: number;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #drawn: number | undefined;

  constructor(options: ProgressOptions) {
    this.#o = { initial: 0, stream: process.stderr, intervalMs: 5000, now: () => performance.now(), ...options };
    this.#start = this.#o.now();
    this.#done = this.#o.initial;
  }

  /** Sets the total when it is only known once the work has started. */
  setTotal(total: number): void {
    this.#o.total = total;
  }

  /** Sets the units done so far; draws when it is time to. */
  update(done: number): void {
    this.#done = done;
    const now = this.#o.now();
    const tty = this.#o.stream.isTTY === true;
    if (now - this.#lastDraw < (tty ? REDRAW_MS : this.#o.intervalMs)) return;
    this.#lastDraw = now;
    this.#drawn = done;
    this.#o.stream.write(tty ? `\r\x1b[K${this.#line(now, true)}` : `${this.#line(now, false)}\n`);
  }

  /** Draws the final state and ends the line. */
  finish(): void {
    const now = this.#o.now();
    const tty = this.#o.stream.isTTY === true;
    if (!tty && this.#drawn === this.#done) return; // that line is already in the log
    this.#o.stream.write(tty ? `\r\x1b[K${this.#line(now, true)}\n` : `${this.#line(now, false)}\n`);
  }

  #line(now: number, tty: boolean): string {
    const { label, total, unit, initial } = this.#o;
    const seconds = Math.max((now - this.#start) / 1000, 1e-9);
    const rate = (this.#done - initial) / seconds;
    const amount =
      total === undefined ? show(this.#done, unit) : `${show(this.#done, unit, total)}/${show(total, unit)}`;
    const parts = [amount, rateText(rate, unit)];
    if (total !== undefined && total > 0) {
      const fraction = Math.min(this.#done / total, 1);
      if (tty) {
        const filled = Math.round(fraction * BAR_WIDTH);
        parts.unshift(`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`);
      } else {
        parts[0] += ` (${Math.floor(fraction * 100)}%)`;
      }
      if (this.#done < total && rate > 0) parts.push(`ETA ${clock((total - this.#done) / rate)}`);
    }
    parts.push(`elapsed ${clock(seconds)}`);
    return `${label}: ${parts.join(tty ? '  ' : ', ')}`;
  }
}

const MIB = 1024 * 1024;

/** A count in its unit; bytes in MiB, with the total's precision when given. */
function show(n: number, unit: ProgressOptions['unit'], total?: number): string {
  if (unit !== 'bytes') return total === undefined ? `${n} ${unit}` : String(n);
  return `${(n / MIB).toFixed(1)}${total === undefined ? ' MiB' : ''}`;
}

function rateText(rate: number, unit: ProgressOptions['unit']): string {
  return unit === 'bytes' ? `${(rate / MIB).toFixed(1)} MiB/s` : `${rate.toFixed(1)} ${unit}/s`;
}

/** Seconds as m:ss, or h:mm:ss past an hour. */
function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
