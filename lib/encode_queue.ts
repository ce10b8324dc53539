// The encodeImage calls of one model, scheduled in JS because that is where concurrent calls meet: no lock, no
// native thread held waiting. Calls beyond `concurrency` in flight wait, and a waiting group goes to the encoder
// as one batch of up to `maxSize` images. On a CPU a model's call already uses every core, so more encodes at once
// only fight over them; on a GPU one batched call keeps the device busier than several small ones.
import { availableParallelism } from 'node:os';
import type { BatchOptions } from './types.js';
import { checkKnownKeys, invalidParameter, is, optionNames } from './validate.js';

const BATCH_KEYS = optionNames<BatchOptions>({ maxSize: true, maxWaitMs: true });

export interface EncodeQueueOptions {
  /** Most images per encoder call. */
  maxSize: number;
  /** How long an idle queue waits after a first call for others to batch with it. */
  maxWaitMs: number;
  /** Encoder calls in flight at most. */
  concurrency: number;
}

interface Waiting<I, E> {
  input: I;
  resolve(embedding: E): void;
  reject(err: unknown): void;
}

export class EncodeQueue<I, E> {
  readonly #encode: (inputs: I[]) => Promise<E[]>;
  readonly #options: EncodeQueueOptions;
  #waiting: Waiting<I, E>[] = [];
  #running = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed: (() => Error) | undefined;

  /** `encode` returns one embedding per input, in order. */
  constructor(encode: (inputs: I[]) => Promise<E[]>, options: EncodeQueueOptions) {
    this.#encode = encode;
    this.#options = options;
  }

  push(input: I): Promise<E> {
    if (this.#closed) return Promise.reject(this.#closed());
    return new Promise<E>((resolve, reject) => {
      this.#waiting.push({ input, resolve, reject });
      if (this.#running >= this.#options.concurrency) return; // taken when a running batch ends
      if (this.#waiting.length >= this.#options.maxSize || this.#options.maxWaitMs <= 0) this.#start();
      else this.#timer ??= setTimeout(() => this.#start(), this.#options.maxWaitMs);
    });
  }

  /**
   * Settles every waiting call with `error()` (one error each) and refuses later ones; calls already running
   * finish as they would.
   */
  close(error: () => Error): void {
    this.#closed ??= error;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const w of this.#waiting.splice(0)) w.reject(error());
  }

  #start(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#waiting.splice(0, this.#options.maxSize);
    if (batch.length === 0) return;
    this.#running++;
    // A synchronous throw from `encode` (a refused argument) must become this batch's rejection: thrown here it
    // would escape from the timer's callback and leave the call counted as running, so the queue stalled.
    new Promise<E[]>((resolve) => resolve(this.#encode(batch.map((w) => w.input))))
      .then(
        (embeddings) => batch.forEach((w, i) => w.resolve(embeddings[i])),
        (err: unknown) => batch.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        this.#running--;
        // Calls that waited for this batch have waited long enough: they go at once.
        if (this.#waiting.length > 0) this.#start();
      });
  }
}

/**
 * The queue options of `LoadOptions.batch` for a model on `device` with `threads` CPU threads per call.
 * Without `batch`, calls go one image at a time, as many at once as the cores hold calls of `threads` threads.
 */
export function checkBatchOptions(batch: unknown, device: string, threads: number): EncodeQueueOptions {
  if (batch !== undefined && !is.object(batch)) throw invalidParameter('batch', 'an object', batch);
  if (batch) checkKnownKeys(batch, BATCH_KEYS, 'batch.');
  const { maxSize = 1, maxWaitMs = 0 } = batch ?? {};
  if (!is.positiveInt32(maxSize)) throw invalidParameter('batch.maxSize', 'a positive integer', maxSize);
  if (typeof maxWaitMs !== 'number' || !Number.isFinite(maxWaitMs) || maxWaitMs < 0) {
    throw invalidParameter('batch.maxWaitMs', 'a number of milliseconds >= 0', maxWaitMs);
  }
  const concurrency = device === 'cpu' ? Math.max(1, Math.floor(availableParallelism() / threads)) : 1;
  return { maxSize, maxWaitMs, concurrency };
}
