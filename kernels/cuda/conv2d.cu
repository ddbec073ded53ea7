// 2-D convolution with an OIHW weight, any layout (strides per axis). Paths:
//  - depthwise NHWC (groups == inC == outC): depthwise.cu;
//  - groups == 1: implicit GEMM on the SIMT tile (M = N·Ho·Wo, N = outC, K = kH·kW·inC with ci fastest);
//  - anything else, or variant 1: the direct kernel, one thread per output.
#include "gemm_tile.cuh"

namespace ii {

cudaError_t depthwiseNhwc(const ConvArgs& c, cudaStream_t s);

__global__ void convDirectKernel(ConvArgs c, int64_t n) {
  const int inPerGroup = c.inC / c.groups, outPerGroup = c.outC / c.groups;
  II_GRID_STRIDE(i, n) {
    int64_t t = i;
    const int oc = t % c.outC; t /= c.outC;
    const int ox = t % c.outW; t /= c.outW;
    const int oy = t % c.outH;
    const int b = t / c.outH;
    const int firstIn = (oc / outPerGroup) * inPerGroup;
    float acc = c.bias ? c.bias[oc] : 0.0f;
    for (int ic = 0; ic < inPerGroup; ++ic) {
      for (int ky = 0; ky < c.kH; ++ky) {
        const int iy = oy * c.strideH - c.padTop + ky * c.dilH;
        if (iy < 0 || iy >= c.inH) continue;
        for (int kx = 0; kx < c.kW; ++kx) {
          const int ix = ox * c.strideW - c.padLeft + kx * c.dilW;
          if (ix < 0 || ix >= c.inW) continue;
          acc += c.x[b * c.xsN + (firstIn + ic) * c.xsC + iy * c.xsH + ix * c.xsW] *
                 c.w[(((int64_t)oc * inPerGroup + ic) * c.kH + ky) * c.kW + kx];
        }
      }
    }
    c.out[b * c.osN + oc * c.osC + oy * c.osH + ox * c.osW] = acc;
  }
}

/** im2col on the fly: A(m, k) with m = (b, oy, ox) and k = (ky, kx, ci), ci fastest. */
struct ConvInputLoader {
  ConvArgs c;
  int64_t M, K;
  __device__ __forceinline__ void load4(int64_t m, int64_t k, float v[4]) const {
    const int ox = m % c.outW;
    const int64_t t = m / c.outW;
    const int oy = t % c.outH;
    const int64_t b = t / c.outH;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      v[j] = 0.0f;
      const int64_t kk = k + j;
      if (m >= M || kk >= K) continue;
      const int ci = kk % c.inC;
      const int kx = (kk / c.inC) % c.kW;
      const int ky = kk / ((int64_t)c.inC * c.kW);
      const int iy = oy * c.strideH - c.padTop + ky * c.dilH;
      const int ix = ox * c.strideW - c.padLeft + kx * c.dilW;
      if (iy >= 0 && iy < c.inH && ix >= 0 && ix < c.inW) v[j] = c.x[b * c.xsN + ci * c.xsC + iy * c.xsH + ix * c.xsW];
    }
  }
};

/** B(k, n) = w[n, ci, ky, kx] for the same k order. */
struct ConvWeightLoader {
  const float* w;
  int inC, kH, kW;
  int64_t N, K;
  __device__ __forceinline__ void load4(int64_t n, int64_t k, float v[4]) const {
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      v[j] = 0.0f;
      const int64_t kk = k + j;
      if (n >= N || kk >= K) continue;
      const int ci = kk % inC;
      const int kx = (kk / inC) % kW;
      const int ky = kk / ((int64_t)inC * kW);
      v[j] = w[((n * inC + ci) * kH + ky) * kW + kx];
    }
  }
};

template <int BM, int TM>
__global__ void __launch_bounds__(kThreads, 2) convGemmKernel(ConvArgs c, int64_t M, int64_t K) {
  const ConvInputLoader a{c, M, K};
  const ConvWeightLoader b{c.w, c.inC, c.kH, c.kW, c.outC, K};
  // Output (m, n): image m / (Ho·Wo), pixel m % (Ho·Wo); within an image pixel p sits at p·osW since osH = Wo·osW.
  const Store st{c.out, M, c.outC, (int64_t)c.outH * c.outW, c.osN, c.osW, c.osC, c.bias, kEpiNone};
  sgemmTile<BM, TM>(a, b, st, K, (int64_t)blockIdx.x * BM, (int64_t)blockIdx.y * BM);
}

cudaError_t conv2d(const ConvArgs& c, cudaStream_t s) {
  const int64_t M = (int64_t)c.batch * c.outH * c.outW;
  if (M == 0 || c.outC == 0) return cudaSuccess;
  const bool nhwc = c.xsC == 1 && c.osC == 1;
  if (c.variant == 0 && nhwc && c.groups == c.inC && c.groups == c.outC) return depthwiseNhwc(c, s);
  // The pixel-as-row store needs osH == Wo·osW, true of both contiguous layouts.
  if (c.variant == 0 && c.groups == 1 && c.osH == (int64_t)c.outW * c.osW) {
    const int64_t K = (int64_t)c.inC * c.kH * c.kW;
    const int64_t N = c.outC;
    const int tile = chooseTile(M, N, 1);
    const dim3 grid((unsigned)((M + tile - 1) / tile), (unsigned)((N + tile - 1) / tile));
    if (tile == 128) convGemmKernel<128, 8><<<grid, kThreads, 0, s>>>(c, M, K);
    else if (tile == 64) convGemmKernel<64, 4><<<grid, kThreads, 0, s>>>(c, M, K);
    else convGemmKernel<32, 2><<<grid, kThreads, 0, s>>>(c, M, K);
    return cudaGetLastError();
  }
  const int64_t n = M * c.outC;
  convDirectKernel<<<gridFor(n), kThreads, 0, s>>>(c, n);
  return cudaGetLastError();
}

}  // namespace ii
