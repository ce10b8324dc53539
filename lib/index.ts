/**
 * sam2-node: Meta's SAM 2 / SAM 2.1 segmentation for Node.js on a native libtorch core.
 * @packageDocumentation
 */
export { Sam2Model } from './model.js';
export { ImageEmbedding } from './embedding.js';
export { MAX_BATCH_PROMPTS } from './predict_batch.js';
export { connectedComponents } from './components.js';
export { MAX_IMAGE_SIDE } from './image.js';
export { MAX_PROMPT_POINTS } from './prompt.js';
export {
  Sam2Error,
  InvalidArgumentError,
  ModelLoadError,
  DisposedError,
  NativeError,
  LibtorchNotFoundError,
} from './errors.js';
export * from './video/index.js';
export { maskToRle, rleToMask, type CocoRle, type CocoRleInput } from './output/rle.js';
export { maskArea, maskBoundingBox, type CocoBox } from './output/geometry.js';
export {
  renderOverlay,
  renderOverlayPng,
  OVERLAY_PALETTE,
  maskColors,
  type OverlayImage,
  type OverlayOptions,
  type Rgb,
} from './output/overlay.js';
export { maskToPng } from './output/png.js';
export type {
  AmgOutputMode,
  GenerateMasksOptions,
  MaskRecord,
  UncompressedRle,
  XywhBox,
} from './amg/types.js';
export type {
  BatchOptions,
  ConnectedComponents,
  DType,
  Device,
  ImageInput,
  LoadOptions,
  ModelInfo,
  Prediction,
  PredictManyItem,
  PredictOptions,
} from './types.js';
