import { DisposedError } from '../errors.js';

/**
 * Runs a video object's calls one at a time, in call order: each mutates native state that the next one reads. A
 * failed call does not stop the queue.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #disposedMessage: string | undefined;

  constructor(private readonly isOwnerDisposed: () => boolean, private readonly ownerName: string) {}

  run<T>(job: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(() => {
      this.checkOpen();
      return job();
    });
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Later calls (and queued ones) reject with DisposedError. */
  dispose(message: string): void {
    this.#disposedMessage = message;
  }

  get disposed(): boolean {
    return this.#disposedMessage !== undefined;
  }

  checkOpen(): void {
    if (this.#disposedMessage !== undefined) throw new DisposedError(this.#disposedMessage);
    if (this.isOwnerDisposed()) throw new DisposedError(`the Sam2Model of this ${this.ownerName} was disposed`);
  }
}
