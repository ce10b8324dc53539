#ifndef SAM2_CUDA_H
#define SAM2_CUDA_H
/* Torch-free CUDA kernels behind a plain C API; every function returns a cudaError_t as int (0 = success). */
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Number of usable CUDA devices; 0 when there is no driver or no device (never an error). */
int sam2_cuda_device_count(void);

/* 8-connected components of n masks d_mask[n][h][w] (non-zero = foreground), all device pointers on the
   current device. d_labels: 0 on background, else 1 + the raster index of the top-left pixel of the
   component's first 2x2 block in raster order, the official SAM 2 kernel's labels (odd sizes use partial
   blocks on the last row/column). d_areas: the pixel count of the pixel's component, 0 on background.
   Identical to sam2::connected_components_cpu. Only enqueues work on cuda_stream (NULL: the legacy default
   stream); results are ready once the stream is synchronised. Returns cudaErrorInvalidValue for negative
   sizes, h or w > 2^30, h*w > INT32_MAX, or null pointers with a non-empty batch. */
int sam2_cc_labels_areas(const uint8_t* d_mask, int n, int h, int w, int32_t* d_labels, int32_t* d_areas,
                         void* cuda_stream);

/* Human-readable text of an error returned above. */
const char* sam2_cuda_error_string(int error);

#ifdef __cplusplus
}
#endif

#endif
