// The video part of the native addon's contract (NativeModel.createVideoState / createTracker). Calls take one options
// object; a frame's pixels travel only when the native side has no features for it (hasFeatures), read in place.
import { fromNative } from '../errors.js';
import type { FrameResult } from './types.js';

export interface NativeFrameImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

export interface NativePointsCall {
  frame: number;
  objectId: number;
  /** n*2 values in video pixels, box corners first. */
  coords: Float32Array;
  /** n labels: 2/3 box corners, 1 positive, 0 negative. */
  labels: Int32Array;
  clearOld: boolean;
}

export interface NativeMaskCall {
  frame: number;
  objectId: number;
  /** width*height bytes, non-zero inside. */
  mask: Uint8Array;
}

export interface NativeOutputOptions {
  fillHoleArea: number;
  nonOverlap: boolean;
  maxCachedFrames: number;
}

export interface NativeVideoOptions extends NativeOutputOptions {
  numFrames: number;
  width: number;
  height: number;
}

export interface NativeTrackerOptions extends NativeOutputOptions {
  maxMemoryFrames: number;
}

/** Calls must not overlap (lib/ queues them); a synchronous call during a job throws. */
export interface NativeVideoState {
  hasFeatures(frame: number): boolean;
  objectIds(): number[];
  addPoints(call: NativePointsCall & { image: NativeFrameImage | null }): Promise<FrameResult>;
  addMask(call: NativeMaskCall & { image: NativeFrameImage | null }): Promise<FrameResult>;
  /** Encodes the prompts' memories; resolves to the earliest conditioning frame. */
  startPropagation(): Promise<number>;
  propagate(call: { frame: number; reverse: boolean; image: NativeFrameImage | null }): Promise<FrameResult>;
  removeObject(objectId: number): void;
  reset(): void;
  /** A streamed video no longer names frames before `frame`: drops what only they could use. */
  forgetBefore(frame: number): void;
  dispose(): void;
}

export interface NativeTracker {
  track(image: NativeFrameImage): Promise<FrameResult>;
  addPoints(call: NativePointsCall): Promise<FrameResult>;
  addMask(call: NativeMaskCall): Promise<FrameResult>;
  objectIds(): number[];
  removeObject(objectId: number): void;
  reset(): void;
  dispose(): void;
}

/** The manifest's `tracking` table, passed through: the native side reads the flags it needs. */
export type TrackingFlags = Readonly<Record<string, unknown>>;

export interface NativeVideoModel {
  createVideoState(tracking: TrackingFlags, options: NativeVideoOptions): NativeVideoState;
  createTracker(tracking: TrackingFlags, options: NativeTrackerOptions): NativeTracker;
}

/** A synchronous native call, its failure rethrown as a typed error. */
export function callSync<T>(call: () => T): T {
  try {
    return call();
  } catch (err) {
    throw fromNative(err);
  }
}
