// Depthwise convolution on NHWC (the DCNv3 offset branch: 3×3 for T–XL, 5×5 for H/G), one thread per output with
// the channel fastest so that a warp reads consecutive channels of one pixel.
#include "common.cuh"

namespace ii {

template <int KH, int KW>
__global__ void depthwiseKernel(ConvArgs c, int64_t n) {
  II_GRID_STRIDE(i, n) {
    int64_t t = i;
    const int ch = t % c.outChannels; t /= c.outChannels;
    const int ox = t % c.outW; t /= c.outW;
    const int oy = t % c.outH;
    const int64_t b = t / c.outH;
    const float* w = c.w + (int64_t)ch * KH * KW;
    const float* x = c.x + b * c.xsN + ch;
    float acc = c.bias ? c.bias[ch] : 0.0f;
#pragma unroll
    for (int ky = 0; ky < KH; ++ky) {
      const int iy = oy * c.strideH - c.padTop + ky * c.dilationH;
      if (iy < 0 || iy >= c.inH) continue;
#pragma unroll
      for (int kx = 0; kx < KW; ++kx) {
        const int ix = ox * c.strideW - c.padLeft + kx * c.dilationW;
        if (ix < 0 || ix >= c.inW) continue;
        acc += x[iy * c.xsH + ix * c.xsW] * w[ky * KW + kx];
      }
    }
    c.out[b * c.osN + oy * c.osH + ox * c.osW + ch] = acc;
  }
}

__global__ void depthwiseAnyKernel(ConvArgs c, int64_t n) {
  II_GRID_STRIDE(i, n) {
    int64_t t = i;
    const int ch = t % c.outChannels; t /= c.outChannels;
    const int ox = t % c.outW; t /= c.outW;
    const int oy = t % c.outH;
    const int64_t b = t / c.outH;
    float acc = c.bias ? c.bias[ch] : 0.0f;
    for (int ky = 0; ky < c.kH; ++ky) {
      const int iy = oy * c.strideH - c.padTop + ky * c.dilationH;
      if (iy < 0 || iy >= c.inH) continue;
      for (int kx = 0; kx < c.kW; ++kx) {
        const int ix = ox * c.strideW - c.padLeft + kx * c.dilationW;
        if (ix < 0 || ix >= c.inW) continue;
        acc += c.x[b * c.xsN + iy * c.xsH + ix * c.xsW + ch] * c.w[((int64_t)ch * c.kH + ky) * c.kW + kx];
      }
    }
    c.out[b * c.osN + oy * c.osH + ox * c.osW + ch] = acc;
  }
}

cudaError_t depthwiseNhwc(const ConvArgs& c, cudaStream_t s) {
  const int64_t n = (int64_t)c.batch * c.outH * c.outW * c.outChannels;
  if (c.kH == 3 && c.kW == 3) depthwiseKernel<3, 3><<<gridFor(n), kThreads, 0, s>>>(c, n);
  else if (c.kH == 5 && c.kW == 5) depthwiseKernel<5, 5><<<gridFor(n), kThreads, 0, s>>>(c, n);
  else depthwiseAnyKernel<<<gridFor(n), kThreads, 0, s>>>(c, n);
  return cudaGetLastError();
}

}  // namespace ii
