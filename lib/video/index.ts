export { VideoSession } from './session.js';
export { StreamingTracker } from './tracker.js';
export type {
  FrameResult,
  PropagateOptions,
  TrackerOptions,
  VideoFrames,
  VideoMaskOptions,
  VideoOutputOptions,
  VideoPointsOptions,
  VideoSessionOptions,
} from './types.js';
