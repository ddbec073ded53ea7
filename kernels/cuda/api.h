// Host-side entry points of the CUDA kernels: plain C++ (no device code), included by the N-API addon.
// Every launcher enqueues on `stream`, never synchronises, and returns cudaGetLastError() after its launches.
#pragma once
#include <cuda_runtime_api.h>
#include <cstdint>

namespace ii {

constexpr int kMaxRank = 8;

enum DType : int { kF32 = 0, kI32 = 1 };

/** An index space of `rank` axes walked in row-major order, with two stride sets into it (a and b). */
struct Walk {
  int rank;
  int64_t shape[kMaxRank];
  int64_t a[kMaxRank];
  int64_t b[kMaxRank];
};

enum BinaryOp : int { kAdd = 0, kSub, kMul, kDiv, kMaximum, kMinimum, kPow };
enum UnaryOp : int {
  kNeg = 0, kAbs, kExp, kLog, kSqrt, kRsqrt, kRelu, kGelu, kGeluTanh, kSigmoid, kSilu, kTanh, kErf,
};
enum ReduceOp : int { kSum = 0, kMean, kMax, kMin };

/** out[i] = op(a[Σ coord·w.a], b[Σ coord·w.b]) over w.shape. */
cudaError_t binary(int op, int dtype, const void* a, const void* b, void* out, const Walk& w, cudaStream_t s);
cudaError_t unary(int op, int dtype, const void* x, void* out, int64_t n, cudaStream_t s);
cudaError_t cast(int from, int to, const void* x, void* out, int64_t n, cudaStream_t s);
/** Fills n 32-bit words with `bits`. */
cudaError_t fill32(void* dst, uint32_t bits, int64_t n, cudaStream_t s);
/** 32-bit elements: dst[dstOff + Σ coord·w.b] = src[srcOff + Σ coord·w.a] over w.shape. */
cudaError_t stridedCopy(const void* src, void* dst, int64_t srcOff, int64_t dstOff, const Walk& w, cudaStream_t s);
/** For each output (row-major over kept.shape, strides kept.a into x) reduces over red.shape (strides red.a). */
cudaError_t reduce(int op, int dtype, const void* x, void* out, const Walk& kept, const Walk& red, int64_t count,
                   cudaStream_t s);
cudaError_t argMax(int dtype, const void* x, int32_t* out, int64_t outer, int64_t length, int64_t inner, cudaStream_t s);
cudaError_t softmax(const float* x, float* out, int64_t outer, int64_t length, int64_t inner, cudaStream_t s);
/** Rows of `cols` floats; weight and bias may be null. */
cudaError_t layerNorm(const float* x, const float* weight, const float* bias, float* out, int64_t rows, int64_t cols,
                      float eps, cudaStream_t s);
/** Per channel along the middle axis of [outer, channels, inner]; weight and bias may be null. */
cudaError_t batchNorm(const float* x, const float* mean, const float* var, const float* weight, const float* bias,
                      float* out, int64_t outer, int64_t channels, int64_t inner, float eps, cudaStream_t s);

enum GemmMode : int { kGemmSimt = 0, kGemmTf32 = 1, kGemm3xTf32 = 2 };
enum Epilogue : int { kEpiNone = 0, kEpiGelu = 1 };

/**
 * C(m, n) = act(Σ_k A(m, k)·B(k, n) + bias[n]) for each batch index.
 * A(m, k) = A[batchA + m·sAm + k·sAk], B(k, n) = B[batchB + k·sBk + n·sBn],
 * C(m, n) = C[batchC + (m / cRows)·sCb + (m % cRows)·sCm + n·sCn] (cRows splits m into image and pixel for NCHW).
 * Batch offsets: batch index walks `batchWalk.shape` with strides batchWalk.a (into A) and batchWalk.b (into B);
 * C batches are contiguous with stride sCbatch. batchWalk.rank 0 means one batch.
 */
struct GemmArgs {
  int64_t M, N, K;
  const float* A; int64_t sAm, sAk;
  const float* B; int64_t sBk, sBn;
  float* C; int64_t cRows, sCb, sCm, sCn;
  const float* bias;
  int epilogue;
  Walk batchWalk;
  int64_t batches, sCbatch;
  int mode;
};
cudaError_t gemm(const GemmArgs& g, cudaStream_t s);

/** One-time kernel attributes (large dynamic shared memory), set before any launch or graph capture. */
cudaError_t prepareKernels();

/** Convolution geometry; strides of x and out per axis make NCHW and NHWC one case. Weight is OIHW. */
struct ConvArgs {
  const float* x; const float* w; const float* bias; float* out;
  int batch, inC, inH, inW, outC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft, dilH, dilW, groups;
  int64_t xsN, xsC, xsH, xsW, osN, osC, osH, osW;
  int variant;  // 0: fastest applicable, 1: direct (one thread per output)
  int gemmMode;
};
cudaError_t conv2d(const ConvArgs& c, cudaStream_t s);

struct PoolArgs {
  const float* x; float* out;
  int batch, channels, inH, inW, outH, outW, kH, kW, strideH, strideW, padTop, padLeft, countIncludePad;
  int64_t xsN, xsC, xsH, xsW, osN, osC, osH, osW;
};
cudaError_t avgPool2d(const PoolArgs& p, cudaStream_t s);

/** Source and destination of a resampling to outH×outW (kernel_names.ts states each op's index arithmetic). */
struct ResampleArgs {
  const float* x; float* out;
  int batch, channels, inH, inW, outH, outW, alignCorners;
  float scaleH, scaleW;  // bilinear only: source pixels per output pixel
  int64_t xsN, xsC, xsH, xsW, osN, osC, osH, osW;
};
cudaError_t resizeBilinear(const ResampleArgs& p, cudaStream_t s);
cudaError_t adaptiveAvgPool2d(const ResampleArgs& p, cudaStream_t s);

/** DCNv3 core op (internimage-spec.md §2.3), NHWC. `half`: value/offset/mask/out are float16, math in float. */
struct DcnArgs {
  const void* value; const void* offset; const void* mask; void* out;
  int batch, inH, inW, outH, outW, kH, kW, strideH, strideW, padH, padW, dilH, dilW, group, groupChannels, points;
  float offsetScale;
  int removeCenter;
  int half;
  int variant;  // 0 auto (fast kernel, threads per item by precision), 1 simple (one thread per output scalar),
                // 2 vectorised, 3/4/5 fast kernel with 1/2/4 threads an item (names: DCN_VARIANTS in
                // packages/backend-cuda/src/settings.ts; npm run bench:cuda-dcn compares them)
};
cudaError_t dcnv3(const DcnArgs& d, cudaStream_t s);

}  // namespace ii
