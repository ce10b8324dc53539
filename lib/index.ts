/**
 * sam2-node: Meta's SAM 2 / SAM 2.1 segmentation for Node.js on a native libtorch core.
 * @packageDocumentation
 */
export { Sam2Model } from './model.js';
export { ImageEmbedding } from './embedding.js';
export { connectedComponents } from './components.js';
export { Sam2Error, InvalidArgumentError, ModelLoadError, DisposedError, NativeError } from './errors.js';
export type {
  ConnectedComponents,
  DType,
  Device,
  ImageInput,
  LoadOptions,
  ModelInfo,
  Prediction,
  PredictOptions,
} from './types.js';
