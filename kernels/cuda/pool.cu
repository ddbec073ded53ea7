// Average pooling, one thread per output; strides per axis make NCHW and NHWC one kernel.
#include "common.cuh"

namespace ii {

__global__ void avgPoolKernel(PoolArgs p, int64_t n) {
  II_GRID_STRIDE(i, n) {
    // Output index decomposed in (n, oy, ox, c) order with c fastest; addresses come from the strides.
    int64_t t = i;
    const int c = t % p.channels; t /= p.channels;
    const int ox = t % p.outW; t /= p.outW;
    const int oy = t % p.outH;
    const int b = t / p.outH;
    const int y0 = oy * p.strideH - p.padTop, x0 = ox * p.strideW - p.padLeft;
    const int yEnd = min(y0 + p.kH, p.inH), xEnd = min(x0 + p.kW, p.inW);
    float acc = 0.0f;
    int inside = 0;
    for (int y = max(y0, 0); y < yEnd; ++y) {
      for (int x = max(x0, 0); x < xEnd; ++x) {
        acc += p.x[b * p.xsN + c * p.xsC + y * p.xsH + x * p.xsW];
        ++inside;
      }
    }
    const float divisor = p.countIncludePad ? static_cast<float>(p.kH * p.kW) : static_cast<float>(inside);
    p.out[b * p.osN + c * p.osC + oy * p.osH + ox * p.osW] = acc / divisor;
  }
}

cudaError_t avgPool2d(const PoolArgs& p, cudaStream_t s) {
  const int64_t n = (int64_t)p.batch * p.outH * p.outW * p.channels;
  if (n == 0) return cudaSuccess;
  avgPoolKernel<<<gridFor(n), kThreads, 0, s>>>(p, n);
  return cudaGetLastError();
}

}  // namespace ii
