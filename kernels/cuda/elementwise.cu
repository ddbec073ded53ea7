// Elementwise kernels: broadcasting binary ops, unary ops, casts, fills and strided copies (transpose, slice,
// concat, pad and pixel shuffle are all strided copies). Float math matches the reference backend, which computes
// in double and rounds: + − × ÷ in float round identically; pow uses double.
#include "common.cuh"

namespace ii {

template <typename T>
__device__ __forceinline__ T binaryOp(int op, T a, T b);

template <>
__device__ __forceinline__ float binaryOp<float>(int op, float a, float b) {
  switch (op) {
    case kAdd: return a + b;
    case kSub: return a - b;
    case kMul: return a * b;
    case kDiv: return a / b;
    case kMaximum: return (a != a || b != b) ? __int_as_float(0x7fc00000) : fmaxf(a, b);
    case kMinimum: return (a != a || b != b) ? __int_as_float(0x7fc00000) : fminf(a, b);
    default: return static_cast<float>(pow(static_cast<double>(a), static_cast<double>(b)));
  }
}

template <>
__device__ __forceinline__ int32_t binaryOp<int32_t>(int op, int32_t a, int32_t b) {
  const int64_t x = a, y = b;
  switch (op) {
    case kAdd: return static_cast<int32_t>(static_cast<uint32_t>(x + y));
    case kSub: return static_cast<int32_t>(static_cast<uint32_t>(x - y));
    case kMul: return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(x * y)));
    case kDiv: return toInt32(static_cast<double>(a) / static_cast<double>(b));
    case kMaximum: return a > b ? a : b;
    case kMinimum: return a < b ? a : b;
    default: return toInt32(pow(static_cast<double>(a), static_cast<double>(b)));
  }
}

template <typename T>
__global__ void binaryKernel(int op, const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ out, Walk w,
                             int64_t n) {
  II_GRID_STRIDE(i, n) {
    int64_t oa, ob;
    walkOffsets(w, i, oa, ob);
    out[i] = binaryOp<T>(op, a[oa], b[ob]);
  }
}

/** Same shapes, no broadcasting: the common case in the model (residual adds). */
template <typename T>
__global__ void binarySameKernel(int op, const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ out,
                                 int64_t n) {
  II_GRID_STRIDE(i, n) out[i] = binaryOp<T>(op, a[i], b[i]);
}

static bool isContiguous(const Walk& w, const int64_t* strides) {
  int64_t expect = 1;
  for (int d = w.rank - 1; d >= 0; --d) {
    if (w.shape[d] != 1 && strides[d] != expect) return false;
    expect *= w.shape[d];
  }
  return true;
}

cudaError_t binary(int op, int dtype, const void* a, const void* b, void* out, const Walk& w, cudaStream_t s) {
  int64_t n = 1;
  for (int d = 0; d < w.rank; ++d) n *= w.shape[d];
  if (n == 0) return cudaSuccess;
  const bool same = isContiguous(w, w.a) && isContiguous(w, w.b);
  if (dtype == kF32) {
    if (same) binarySameKernel<float><<<gridFor(n), kThreads, 0, s>>>(op, (const float*)a, (const float*)b, (float*)out, n);
    else binaryKernel<float><<<gridFor(n), kThreads, 0, s>>>(op, (const float*)a, (const float*)b, (float*)out, w, n);
  } else {
    if (same) binarySameKernel<int32_t><<<gridFor(n), kThreads, 0, s>>>(op, (const int32_t*)a, (const int32_t*)b, (int32_t*)out, n);
    else binaryKernel<int32_t><<<gridFor(n), kThreads, 0, s>>>(op, (const int32_t*)a, (const int32_t*)b, (int32_t*)out, w, n);
  }
  return cudaGetLastError();
}

__device__ __forceinline__ float unaryF32(int op, float x) {
  switch (op) {
    case kNeg: return -x;
    case kAbs: return fabsf(x);
    case kExp: return expf(x);
    case kLog: return logf(x);
    case kSqrt: return sqrtf(x);
    case kRsqrt: return 1.0f / sqrtf(x);
    case kRelu: return x != x ? x : fmaxf(x, 0.0f);
    case kGelu: return geluErf(x);
    case kGeluTanh: return 0.5f * x * (1.0f + tanhf(0.7978845608028654f * (x + 0.044715f * x * x * x)));
    case kSigmoid: return x >= 0 ? 1.0f / (1.0f + expf(-x)) : expf(x) / (1.0f + expf(x));
    case kSilu: return x * (x >= 0 ? 1.0f / (1.0f + expf(-x)) : expf(x) / (1.0f + expf(x)));
    case kTanh: return tanhf(x);
    default: return erff(x);
  }
}

__device__ __forceinline__ int32_t unaryI32(int op, int32_t x) {
  switch (op) {
    case kNeg: return static_cast<int32_t>(0u - static_cast<uint32_t>(x));
    case kAbs: return x < 0 ? static_cast<int32_t>(0u - static_cast<uint32_t>(x)) : x;
    case kRelu: return x > 0 ? x : 0;
    default: return toInt32(static_cast<double>(unaryF32(op, static_cast<float>(x))));
  }
}

__global__ void unaryF32Kernel(int op, const float* __restrict__ x, float* __restrict__ out, int64_t n) {
  II_GRID_STRIDE(i, n) out[i] = unaryF32(op, x[i]);
}

__global__ void unaryI32Kernel(int op, const int32_t* __restrict__ x, int32_t* __restrict__ out, int64_t n) {
  II_GRID_STRIDE(i, n) out[i] = unaryI32(op, x[i]);
}

cudaError_t unary(int op, int dtype, const void* x, void* out, int64_t n, cudaStream_t s) {
  if (n == 0) return cudaSuccess;
  if (dtype == kF32) unaryF32Kernel<<<gridFor(n), kThreads, 0, s>>>(op, (const float*)x, (float*)out, n);
  else unaryI32Kernel<<<gridFor(n), kThreads, 0, s>>>(op, (const int32_t*)x, (int32_t*)out, n);
  return cudaGetLastError();
}

__global__ void castKernel(int from, int to, const void* __restrict__ x, void* __restrict__ out, int64_t n) {
  II_GRID_STRIDE(i, n) {
    if (from == kF32 && to == kI32) ((int32_t*)out)[i] = toInt32(static_cast<double>(((const float*)x)[i]));
    else if (from == kI32 && to == kF32) ((float*)out)[i] = static_cast<float>(((const int32_t*)x)[i]);
    else ((uint32_t*)out)[i] = ((const uint32_t*)x)[i];
  }
}

cudaError_t cast(int from, int to, const void* x, void* out, int64_t n, cudaStream_t s) {
  if (n == 0) return cudaSuccess;
  castKernel<<<gridFor(n), kThreads, 0, s>>>(from, to, x, out, n);
  return cudaGetLastError();
}

__global__ void fill32Kernel(uint32_t* __restrict__ dst, uint32_t bits, int64_t n) {
  II_GRID_STRIDE(i, n) dst[i] = bits;
}

cudaError_t fill32(void* dst, uint32_t bits, int64_t n, cudaStream_t s) {
  if (n == 0) return cudaSuccess;
  fill32Kernel<<<gridFor(n), kThreads, 0, s>>>((uint32_t*)dst, bits, n);
  return cudaGetLastError();
}

__global__ void stridedCopyKernel(const uint32_t* __restrict__ src, uint32_t* __restrict__ dst, int64_t srcOff,
                                  int64_t dstOff, Walk w, int64_t n) {
  II_GRID_STRIDE(i, n) {
    int64_t os, od;
    walkOffsets(w, i, os, od);
    dst[dstOff + od] = src[srcOff + os];
  }
}

cudaError_t stridedCopy(const void* src, void* dst, int64_t srcOff, int64_t dstOff, const Walk& w, cudaStream_t s) {
  int64_t n = 1;
  for (int d = 0; d < w.rank; ++d) n *= w.shape[d];
  if (n == 0) return cudaSuccess;
  stridedCopyKernel<<<gridFor(n), kThreads, 0, s>>>((const uint32_t*)src, (uint32_t*)dst, srcOff, dstOff, w, n);
  return cudaGetLastError();
}

}  // namespace ii
