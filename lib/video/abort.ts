/** The error an aborted propagation rejects with: a DOMException named `AbortError`, the signal's reason as cause. */
export function abortError(signal: AbortSignal): DOMException {
  return new DOMException('the propagation was aborted', { name: 'AbortError', cause: signal.reason });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** `promise`, or an AbortError as soon as `signal` aborts; the work behind `promise` still completes. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
