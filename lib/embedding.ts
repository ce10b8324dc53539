import { DisposedError, fromNative } from './errors.js';
import type { NativeEmbedding } from './native.js';

/** @internal What an embedding needs of the model that made it. */
export interface EmbeddingOwner {
  /** See manifestDigest (lib/manifest.ts). */
  readonly modelDigest: Uint8Array;
}

/**
 * The encoded features of one image, kept on the model's device, ready for any number of
 * {@link Sam2Model.predict} calls. Made by {@link Sam2Model.encodeImage} (or {@link Sam2Model.embeddingFromBuffer});
 * only usable with the model that made it. Call {@link ImageEmbedding.dispose} to free its memory at once instead of
 * at garbage collection.
 */
export class ImageEmbedding {
  /** @internal */
  readonly native: NativeEmbedding;
  /** @internal The model that made it: predictions need its weights and input size. */
  readonly owner: EmbeddingOwner;

  /** Not for direct use: embeddings come from {@link Sam2Model.encodeImage}. */
  constructor(native: NativeEmbedding, owner: EmbeddingOwner) {
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

  /**
   * The embedding in sam2-node's portable binary format (docs/ARCHITECTURE.md, "Portable embeddings"), for another
   * process, worker or machine to predict from with {@link Sam2Model.embeddingFromBuffer} on the same model files.
   * Synchronous, as a serialiser is expected to be: it copies the features (4 MiB at image size 512, 16 MiB at 1024)
   * and checksums them, which held the event loop 15 ms and 50 ms on a busy 2-core machine; a latency-critical
   * server should call it in the worker that encoded.
   *
   * @throws {@link DisposedError} when the embedding was disposed.
   */
  toBuffer(): Buffer {
    if (this.native.disposed) throw new DisposedError('the ImageEmbedding was disposed');
    try {
      return this.native.toBuffer(this.owner.modelDigest);
    } catch (err) {
      throw fromNative(err);
    }
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
