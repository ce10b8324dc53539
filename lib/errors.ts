/** Base class of every error sam2-node throws or rejects with. */
export class Sam2Error extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An argument was missing, of the wrong type or out of range. The message starts with `"<parameter>: "`. */
export class InvalidArgumentError extends Sam2Error {
  /** Name of the offending parameter or option, e.g. `"points"`, `"device"`, `"data"`. */
  readonly parameter: string;

  /**
   * @param parameter - the offending parameter.
   * @param message - the full message; prefixed with `"<parameter>: "` unless it already is.
   */
  constructor(parameter: string, message: string, options?: ErrorOptions) {
    super(message.startsWith(`${parameter}: `) ? message : `${parameter}: ${message}`, options);
    this.parameter = parameter;
  }
}

/** A model directory is missing, incomplete, corrupt, or written by a newer exporter. */
export class ModelLoadError extends Sam2Error {}

/** A model or an embedding was used after `dispose()`. */
export class DisposedError extends Sam2Error {}

/**
 * The native addon needs libtorch and none was found: not on the system's library path (Debian's `libtorch1.13`)
 * nor where `LIBTORCH` / `Torch_DIR` point. The message says what to install.
 */
export class LibtorchNotFoundError extends Sam2Error {}

/** The native core failed at run time (libtorch/c10 errors, out of memory, CUDA errors). */
export class NativeError extends Sam2Error {}

// The addon tags its messages: "model: ", "disposed: " and "internal: " name categories, any other tag is the
// offending parameter. Tags are identifiers, optionally dotted and indexed (`prompts[3].labels`), so untagged c10
// messages such as "CUDA error: ..." or "std::bad_alloc: ..." are not mistaken for one.
const TAG = /^([A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])?(?:\.[A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])?)*): /;

/** Turns an error thrown or rejected by the native addon into the matching typed error. */
export function fromNative(err: unknown): Sam2Error {
  if (err instanceof Sam2Error) return err;
  const message = err instanceof Error ? err.message : String(err);
  const options = { cause: err };
  const tag = TAG.exec(message)?.[1];
  switch (tag) {
    case undefined:
    case 'internal':
      return new NativeError(message, options);
    case 'model':
      return new ModelLoadError(message, options);
    case 'disposed':
      return new DisposedError(message, options);
    default:
      return new InvalidArgumentError(tag, message, options);
  }
}

/** Awaits a native call, rethrowing its failure as a typed error. */
export async function callNative<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw fromNative(err);
  }
}
