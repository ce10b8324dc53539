const f32 = Math.fround;

/**
 * torch.nn.functional.interpolate(mode='bilinear', align_corners=False) of `count` maps of inH×inW to outH×outW,
 * with torch's float32 roundings: turns the fixture's hole-filled low-res logits into the full-size logits the
 * API returns.
 */
export function upsampleBilinear(
  src: Float32Array,
  count: number,
  inH: number,
  inW: number,
  outH: number,
  outW: number,
): Float32Array {
  const out = new Float32Array(count * outH * outW);
  const ys = axis(inH, outH);
  const xs = axis(inW, outW);
  for (let c = 0; c < count; c++) {
    const map = src.subarray(c * inH * inW);
    for (let y = 0; y < outH; y++) {
      const { i0: y0, i1: y1, w0: wy0, w1: wy1 } = ys[y];
      for (let x = 0; x < outW; x++) {
        const { i0: x0, i1: x1, w0: wx0, w1: wx1 } = xs[x];
        const top = f32(f32(map[y0 * inW + x0] * wx0) + f32(map[y0 * inW + x1] * wx1));
        const bottom = f32(f32(map[y1 * inW + x0] * wx0) + f32(map[y1 * inW + x1] * wx1));
        out[(c * outH + y) * outW + x] = f32(top * wy0) + f32(bottom * wy1);
      }
    }
  }
  return out;
}

/** Source indices and weights along one axis (aten's compute_source_index_and_lambda). */
function axis(inSize: number, outSize: number): { i0: number; i1: number; w0: number; w1: number }[] {
  const scale = f32(inSize / outSize);
  return Array.from({ length: outSize }, (_, o) => {
    if (inSize === outSize) return { i0: o, i1: o, w0: 1, w1: 0 };
    // The scale is a float32, the source index is not rounded to float32: matches torch 1.13 to ~5e-8 (rel. L2).
    const source = Math.max(scale * (o + 0.5) - 0.5, 0);
    const i0 = Math.trunc(source);
    const w1 = f32(Math.min(Math.max(source - i0, 0), 1));
    return { i0, i1: i0 < inSize - 1 ? i0 + 1 : i0, w0: f32(1 - w1), w1 };
  });
}
