// Bilinear resize and adaptive average pooling, one thread per output element. Strides per axis make NCHW and NHWC
// one kernel; the fastest-varying thread index follows the output's unit-stride axis so that writes coalesce.
#include "common.cuh"

namespace ii {

/** Output coordinates of thread item i: width fastest for NCHW outputs, channels fastest for NHWC ones. */
struct Pixel { int b, c, oy, ox; };

__device__ __forceinline__ Pixel pixelAt(const ResampleArgs& p, int64_t i) {
  Pixel q;
  if (p.osC == 1) {
    q.c = i % p.channels; i /= p.channels;
    q.ox = i % p.outW; i /= p.outW;
    q.oy = i % p.outH;
    q.b = i / p.outH;
  } else {
    q.ox = i % p.outW; i /= p.outW;
    q.oy = i % p.outH; i /= p.outH;
    q.c = i % p.channels;
    q.b = i / p.channels;
  }
  return q;
}

/** PyTorch's bilinear source taps along one axis (float32 arithmetic, as its kernels for float tensors). */
__device__ __forceinline__ void taps(int d, int inSize, float scale, int alignCorners, int& i0, int& i1, float& l) {
  float src = alignCorners ? scale * d : fmaxf(scale * (d + 0.5f) - 0.5f, 0.0f);
  i0 = min(static_cast<int>(src), inSize - 1);  // src >= 0, so truncation is floor
  i1 = min(i0 + 1, inSize - 1);
  l = src - i0;
}

__global__ void resizeBilinearKernel(ResampleArgs p, int64_t n) {
  II_GRID_STRIDE(i, n) {
    const Pixel q = pixelAt(p, i);
    int y0, y1, x0, x1;
    float ly, lx;
    taps(q.oy, p.inH, p.scaleH, p.alignCorners, y0, y1, ly);
    taps(q.ox, p.inW, p.scaleW, p.alignCorners, x0, x1, lx);
    const float* x = p.x + q.b * p.xsN + q.c * p.xsC;
    const float top = (1.0f - lx) * x[y0 * p.xsH + x0 * p.xsW] + lx * x[y0 * p.xsH + x1 * p.xsW];
    const float bottom = (1.0f - lx) * x[y1 * p.xsH + x0 * p.xsW] + lx * x[y1 * p.xsH + x1 * p.xsW];
    p.out[q.b * p.osN + q.c * p.osC + q.oy * p.osH + q.ox * p.osW] = (1.0f - ly) * top + ly * bottom;
  }
}

__global__ void adaptiveAvgPoolKernel(ResampleArgs p, int64_t n) {
  II_GRID_STRIDE(i, n) {
    const Pixel q = pixelAt(p, i);
    // PyTorch's bins: [floor(i·in/out), ceil((i+1)·in/out)).
    const int y0 = (q.oy * p.inH) / p.outH, y1 = ((q.oy + 1) * p.inH + p.outH - 1) / p.outH;
    const int x0 = (q.ox * p.inW) / p.outW, x1 = ((q.ox + 1) * p.inW + p.outW - 1) / p.outW;
    const float* x = p.x + q.b * p.xsN + q.c * p.xsC;
    float acc = 0.0f;
    for (int y = y0; y < y1; ++y) {
      for (int xx = x0; xx < x1; ++xx) acc += x[y * p.xsH + xx * p.xsW];
    }
    p.out[q.b * p.osN + q.c * p.osC + q.oy * p.osH + q.ox * p.osW] = acc / static_cast<float>((y1 - y0) * (x1 - x0));
  }
}

cudaError_t resizeBilinear(const ResampleArgs& p, cudaStream_t s) {
  const int64_t n = (int64_t)p.batch * p.channels * p.outH * p.outW;
  if (n == 0) return cudaSuccess;
  resizeBilinearKernel<<<gridFor(n), kThreads, 0, s>>>(p, n);
  return cudaGetLastError();
}

cudaError_t adaptiveAvgPool2d(const ResampleArgs& p, cudaStream_t s) {
  const int64_t n = (int64_t)p.batch * p.channels * p.outH * p.outW;
  if (n == 0) return cudaSuccess;
  adaptiveAvgPoolKernel<<<gridFor(n), kThreads, 0, s>>>(p, n);
  return cudaGetLastError();
}

}  // namespace ii
