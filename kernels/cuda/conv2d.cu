// 2-D convolution with an OIHW weight, any layout (strides per axis). Paths:
//  - depthwise NHWC (groups == inC == outC): depthwise.cu;
//  - groups == 1: implicit GEMM on the SIMT tile (M = N·Ho·Wo, N = outC, K = kH·kW·inC with ci fastest); with a
//    tensor-core matmul mode (gemmMode tf32/3xtf32): explicit im2col of the NHWC input (NCHW is gathered to NHWC
//    first) into stream-ordered scratch buffers (K padded to a multiple of 4 with zeros, a bounded group of images
//    at a time) and the tensor-core GEMM of gemm_tc.cu;
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

/** cols[m, k] for k < Kp (zero beyond K and outside the image), NHWC input; 4 channels a thread where inC % 4 == 0. */
template <bool QUAD>
__global__ void im2colNhwcKernel(ConvArgs c, float* __restrict__ cols, int64_t M, int Kp) {
  const int per = QUAD ? 4 : 1, slots = Kp / per;
  II_GRID_STRIDE(i, M * slots) {
    const int kk = (int)(i % slots) * per;
    const int64_t m = i / slots;
    const int ox = (int)(m % c.outW);
    const int64_t t = m / c.outW;
    const int oy = (int)(t % c.outH);
    const int64_t b = t / c.outH;
    const int ci = kk % c.inC, kx = (kk / c.inC) % c.kW, ky = kk / (c.inC * c.kW);
    const int iy = oy * c.strideH - c.padTop + ky * c.dilH, ix = ox * c.strideW - c.padLeft + kx * c.dilW;
    const bool inside = ky < c.kH && iy >= 0 && iy < c.inH && ix >= 0 && ix < c.inW;
    const float* src = c.x + b * c.xsN + (int64_t)iy * c.xsH + (int64_t)ix * c.xsW + ci;
    if (QUAD) {
      *reinterpret_cast<float4*>(cols + m * Kp + kk) =
          inside ? *reinterpret_cast<const float4*>(src) : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    } else {
      cols[m * Kp + kk] = inside ? *src : 0.0f;
    }
  }
}

/** wt[n, k] = w[n, ci, ky, kx] for k = (ky, kx, ci) < K, zero for K ≤ k < Kp. */
__global__ void convWeightRowsKernel(ConvArgs c, float* __restrict__ wt, int K, int Kp) {
  II_GRID_STRIDE(i, (int64_t)c.outC * Kp) {
    const int k = (int)(i % Kp);
    const int64_t n = i / Kp;
    float v = 0.0f;
    if (k < K) {
      const int ci = k % c.inC, kx = (k / c.inC) % c.kW, ky = k / (c.inC * c.kW);
      v = c.w[((n * c.inC + ci) * c.kH + ky) * c.kW + kx];
    }
    wt[i] = v;
  }
}

/** Bytes of im2col rows per GEMM call (at least one image's): bounds the scratch at large images and batches. */
constexpr int64_t kColsBudget = 1LL << 30;

/**
 * groups == 1, tensor-core matmul mode: im2col + weight rows into scratch, then gemm(), a group of whole images at a
 * time. An input that is not NHWC (NCHW) is gathered into an NHWC scratch copy first: one pass over the input, small
 * beside the im2col rows (kH·kW times larger) and the GEMM.
 */
static cudaError_t convIm2colGemm(const ConvArgs& args, int64_t M, cudaStream_t s) {
  ConvArgs c = args;
  const int K = c.inC * c.kH * c.kW, Kp = (K + 3) / 4 * 4;
  const int64_t pixels = (int64_t)c.outH * c.outW;
  const int64_t perChunk = kColsBudget / (pixels * Kp * (int64_t)sizeof(float));
  const int imagesPerChunk = (int)(perChunk < 1 ? 1 : perChunk < c.batch ? perChunk : c.batch);
  float* xt = nullptr;
  float* cols = nullptr;
  float* wt = nullptr;
  cudaError_t e = cudaSuccess;
  if (c.xsC != 1) {
    const int64_t inner = (int64_t)c.inH * c.inW * c.inC;
    e = cudaMallocAsync(reinterpret_cast<void**>(&xt), (size_t)(c.batch * inner) * sizeof(float), s);
    if (e != cudaSuccess) return e;
    Walk w{};
    w.rank = 4;
    const int64_t shape[4] = {c.batch, c.inH, c.inW, c.inC};
    const int64_t from[4] = {c.xsN, c.xsH, c.xsW, c.xsC};
    const int64_t to[4] = {inner, (int64_t)c.inW * c.inC, c.inC, 1};
    for (int d = 0; d < 4; ++d) { w.shape[d] = shape[d]; w.a[d] = from[d]; w.b[d] = to[d]; }
    e = stridedCopy(c.x, xt, 0, 0, w, s);
    c.x = xt; c.xsN = inner; c.xsH = to[1]; c.xsW = to[2]; c.xsC = 1;
  }
  if (e == cudaSuccess) e = cudaMallocAsync(reinterpret_cast<void**>(&cols), (size_t)(imagesPerChunk * pixels) * Kp * sizeof(float), s);
  if (e == cudaSuccess) e = cudaMallocAsync(reinterpret_cast<void**>(&wt), (size_t)c.outC * Kp * sizeof(float), s);
  if (e == cudaSuccess) {
    convWeightRowsKernel<<<gridFor((int64_t)c.outC * Kp), kThreads, 0, s>>>(c, wt, K, Kp);
    e = cudaGetLastError();
  }
  // Output row m = (image, pixel): pixel p of an image at p·osW (osH == Wo·osW, checked by the caller).
  const bool packed = c.osN == pixels * c.osW;
  for (int b0 = 0; e == cudaSuccess && b0 < c.batch; b0 += imagesPerChunk) {
    const int images = c.batch - b0 < imagesPerChunk ? c.batch - b0 : imagesPerChunk;
    const int64_t rows = images * pixels;
    ConvArgs part = c;
    part.x = c.x + b0 * c.xsN;
    part.batch = images;
    const bool quad = c.inC % 4 == 0 && c.xsW % 4 == 0 && c.xsH % 4 == 0 && c.xsN % 4 == 0 &&
                      reinterpret_cast<uintptr_t>(part.x) % 16 == 0;
    if (quad) im2colNhwcKernel<true><<<gridFor(rows * (Kp / 4)), kThreads, 0, s>>>(part, cols, rows, Kp);
    else im2colNhwcKernel<false><<<gridFor(rows * Kp), kThreads, 0, s>>>(part, cols, rows, Kp);
    GemmArgs g{};
    g.M = rows; g.N = c.outC; g.K = Kp;
    g.A = cols; g.sAm = Kp; g.sAk = 1;
    g.B = wt; g.sBk = 1; g.sBn = Kp;
    g.C = c.out + b0 * c.osN; g.cRows = packed ? rows : pixels; g.sCb = packed ? 0 : c.osN;
    g.sCm = c.osW; g.sCn = c.osC;
    g.bias = c.bias; g.epilogue = kEpiNone;
    g.batchWalk.rank = 0; g.batches = 1; g.sCbatch = 0;
    g.mode = c.gemmMode;
    e = cudaGetLastError();
    if (e == cudaSuccess) e = gemm(g, s);
  }
  // Frees are stream-ordered after the launches above; the first error is the one reported.
  for (float* p : {wt, cols, xt}) {
    if (!p) continue;
    const cudaError_t f = cudaFreeAsync(p, s);
    if (e == cudaSuccess) e = f;
  }
  return e;
}

cudaError_t conv2d(const ConvArgs& c, cudaStream_t s) {
  const int64_t M = (int64_t)c.batch * c.outH * c.outW;
  if (M == 0 || c.outC == 0) return cudaSuccess;
  const bool nhwc = c.xsC == 1 && c.osC == 1;
  if (c.variant == 0 && nhwc && c.groups == c.inC && c.groups == c.outC) return depthwiseNhwc(c, s);
  // The pixel-as-row store needs osH == Wo·osW, true of both contiguous layouts.
  if (c.variant == 0 && c.groups == 1 && c.osH == (int64_t)c.outW * c.osW) {
    if (c.gemmMode != kGemmSimt) return convIm2colGemm(c, M, s);
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
