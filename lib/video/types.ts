import type { ImageInput } from '../types.js';

/**
 * The frames of a video: a directory of JPEG/PNG files ordered by the number in their names (`00000.jpg`, ...; as
 * the official loader, which needs the name to be that number), a video file (decoded by ffmpeg, which must be on
 * PATH), decoded frames, or an async iterable of them. Every frame must have the size of the first. A directory is
 * decoded frame by frame as tracking reaches it, any frame at any time. A video file or an async iterable is a
 * stream: read in order only as far as calls need, with only the latest `maxCachedFrames` frames kept, so a camera or
 * decoder feed may be endless; such a session propagates forward only (see `VideoSession`).
 */
export type VideoFrames = string | readonly ImageInput[] | AsyncIterable<ImageInput>;

/** Output options shared by {@link VideoSessionOptions} and {@link TrackerOptions}. */
export interface VideoOutputOptions {
  /**
   * Background holes of at most this many low-resolution pixels are filled in the returned masks and low-res logits
   * (the official `fill_hole_area`; default 8, 0: off). Memories are never affected.
   */
  fillHoleArea?: number;
  /** Give each pixel to at most one object, the one with the highest logit (default `false`). */
  nonOverlap?: boolean;
}

/** Options of `Sam2Model.createVideoSession`. */
export interface VideoSessionOptions extends VideoOutputOptions {
  /**
   * Frames whose backbone features stay in memory (default 8); others are decoded and encoded again when needed.
   * For a streamed video (a video file or an async iterable) also the latest frames kept at all: older ones can no
   * longer be named.
   */
  maxCachedFrames?: number;
}

/** Clicks and/or a box for one object on one frame. At least one of `points` and `box` is needed. */
export interface VideoPointsOptions {
  /** Frame index. */
  frame: number;
  /** Any int32 you choose; an unknown id starts a new object. */
  objectId: number;
  /** Clicks as `[x, y]` in video pixels. */
  points?: [number, number][];
  /** One label per point: 1 positive, 0 negative. Required with `points`. */
  labels?: number[];
  /** `[x0, y0, x1, y1]` in video pixels; needs `clearOld` (the default). */
  box?: [number, number, number, number];
  /** Replace this object's earlier clicks on the frame (default `true`); `false` adds to them. */
  clearOld?: boolean;
}

/** A mask prompt for one object on one frame. */
export interface VideoMaskOptions {
  frame: number;
  objectId: number;
  /** `width * height` bytes of the video's size, non-zero inside the object. */
  mask: Uint8Array | Uint8ClampedArray;
}

/** Options of `VideoSession.propagate`. */
export interface PropagateOptions {
  /** First frame (default: the earliest frame with a prompt). */
  start?: number;
  /** Yield at most this many frames (default: to the end). The official `max_frame_num_to_track=n` is `n + 1`. */
  maxFrames?: number;
  /** Track towards frame 0 (default `false`). As the official, a reverse pass from frame 0 yields nothing. */
  reverse?: boolean;
  /** Aborting rejects the pending `next()` with an `AbortError`; the session stays usable. */
  signal?: AbortSignal;
}

/** Every object's mask on one frame. */
export interface FrameResult {
  frame: number;
  /** The objects, in the order they were first prompted; the arrays below follow it. */
  objectIds: number[];
  /** `objectIds.length` masks of `height * width` bytes (the video's size), 1 inside and 0 outside. */
  masks: Uint8Array;
  /** `objectIds.length` maps of `lowResSize * lowResSize` logits, hole filling applied. */
  lowResLogits: Float32Array;
  lowResSize: number;
  /** Object-score logit per object (> 0: present); -1024 for an object with no output on this frame. */
  objectScores: Float32Array;
}

/** Options of `Sam2Model.createTracker`. */
export interface TrackerOptions extends VideoOutputOptions {
  /** Conditioning (prompted, initial) frames kept per object; beyond it the oldest is dropped (default 16). */
  maxMemoryFrames?: number;
  /**
   * The latest frames whose features are kept (default 1). Prompts may name the current frame or any of these, e.g.
   * a detector's box that arrives a few frames late.
   */
  maxCachedFrames?: number;
}
