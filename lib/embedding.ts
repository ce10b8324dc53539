import { fromNative } from './errors.js';
import type { NativeEmbedding } from './native.js';

/**
 * The encoded features of one image, kept on the model's device, ready for any number of
 * {@link Sam2Model.predict} calls. Made by {@link Sam2Model.encodeImage}; only usable with the model that made it.
 * Call {@link ImageEmbedding.dispose} to free its memory at once instead of at garbage collection.
 */
export class ImageEmbedding {
  /** @internal */
  readonly native: NativeEmbedding;
  /** @internal The model that made it: predictions need its weights and input size. */
  readonly owner: object;

  /** Not for direct use: embeddings come from {@link Sam2Model.encodeImage}. */
  constructor(native: NativeEmbedding, owner: object) {
    this.native = native;
    this.owner = owner;
  }

  /** Width of the encoded image in pixels. */
  get width(): number {
    return this.native.width;
  }

  /** Height of the encoded image in pixels. */
  get height(): number {
    return this.native.height;
  }

  /** Whether {@link ImageEmbedding.dispose} was called. */
  get disposed(): boolean {
    return this.native.disposed;
  }

  /** Frees the features now. Later predictions with it reject with `DisposedError`; calling it again does nothing. */
  dispose(): void {
    if (this.native.disposed) return;
    try {
      this.native.dispose();
    } catch (err) {
      throw fromNative(err);
    }
  }
}
