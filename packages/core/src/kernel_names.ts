// Every kernel's inputs and attributes, declared once. Ops in core resolve and validate user arguments into these
// attrs (geometry included), so every backend receives the same fully computed description.
import type { TensorInfo } from './backend.js';
import type { DType } from './dtypes.js';

export type BinaryOpName = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'pow';
export type UnaryOpName =
  | 'neg' | 'abs' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'relu' | 'gelu' | 'geluTanh' | 'sigmoid' | 'silu' | 'tanh'
  | 'erf';
export type ReduceOpName = 'sum' | 'mean' | 'max' | 'min';
export type DataFormat = 'NCHW' | 'NHWC';
/** Applied to a linear layer's output in the same kernel: 'gelu' is the exact (erf) GELU. */
export type LinearActivation = 'none' | 'gelu';

export interface BinaryAttrs {
  op: BinaryOpName;
  /** Broadcast result shape of a and b. */
  outShape: number[];
}

export interface ReduceAttrs {
  op: ReduceOpName;
  /** Sorted, unique, non-negative. */
  axes: number[];
  keepDims: boolean;
}

export interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  /** Broadcast batch shape followed by [M, N]. */
  outShape: number[];
}

/** Resolved geometry of a sliding 2-D window (convolution or pooling) over an NCHW or NHWC image. */
export interface Window2DInfo {
  dataFormat: DataFormat;
  batch: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  outShape: number[];
}

/** Weight layout is always OIHW `[outChannels, inChannels/groups, kH, kW]`. */
export interface Conv2DInfo extends Window2DInfo {
  inChannels: number;
  outChannels: number;
  dilationH: number;
  dilationW: number;
  groups: number;
}

export interface Pool2DInfo extends Window2DInfo {
  channels: number;
  /** PyTorch's count_include_pad: zero padding counts in the divisor. */
  countIncludePad: boolean;
}

/** Source and destination sizes of a 2-D resampling (resize, adaptive pooling) over an NCHW or NHWC image. */
export interface Resample2DInfo {
  dataFormat: DataFormat;
  batch: number;
  channels: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  outShape: number[];
}

/**
 * Bilinear resize as PyTorch's F.interpolate(mode='bilinear', antialias=False). For output index d along an axis the
 * source coordinate is `d·scale` with alignCorners, else `max((d + 0.5)·scale − 0.5, 0)`; it reads the pixels
 * `i0 = floor(src)` and `min(i0 + 1, in − 1)` with weights `1 − λ` and `λ = src − i0`.
 */
export interface ResizeBilinearInfo extends Resample2DInfo {
  alignCorners: boolean;
  /** Source pixels per destination pixel, float32 as PyTorch computes it: in/out, or (in−1)/(out−1) (0 when out = 1) with alignCorners. */
  scaleH: number;
  scaleW: number;
}

/** DCNv3 core operator (internimage-spec.md §2.3). value `[N,H,W,G·D]`, offset `[N,Ho,Wo,G·P·2]`, mask `[N,Ho,Wo,G·P]`. */
export interface DCNv3Info {
  batch: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
  group: number;
  groupChannels: number;
  offsetScale: number;
  removeCenter: boolean;
  /** Sampling points per group: kernelH·kernelW, minus one with removeCenter. */
  points: number;
  outShape: number[];
}

type T = TensorInfo;

export interface KernelSpec {
  Binary: { inputs: { a: T; b: T }; attrs: BinaryAttrs };
  Unary: { inputs: { x: T }; attrs: { op: UnaryOpName } };
  Reduce: { inputs: { x: T }; attrs: ReduceAttrs };
  ArgMax: { inputs: { x: T }; attrs: { axis: number; keepDims: boolean } };
  Softmax: { inputs: { x: T }; attrs: { axis: number } };
  /** Over the last axis; weight and bias have the last axis' length. */
  LayerNorm: { inputs: { x: T; weight?: T; bias?: T }; attrs: { eps: number } };
  /** Inference form with running statistics, per channel along `channelAxis`. */
  BatchNorm: {
    inputs: { x: T; mean: T; variance: T; weight?: T; bias?: T };
    attrs: { eps: number; channelAxis: number };
  };
  MatMul: { inputs: { a: T; b: T }; attrs: MatMulAttrs };
  /** y = x·Wᵀ + b over the last axis of x; weight `[out, in]` as in PyTorch. */
  Linear: { inputs: { x: T; weight: T; bias?: T }; attrs: { activation: LinearActivation } };
  Conv2D: { inputs: { x: T; weight: T; bias?: T }; attrs: Conv2DInfo };
  AvgPool2D: { inputs: { x: T }; attrs: Pool2DInfo };
  /** Bin i of an axis averages the input range [floor(i·in/out), ceil((i+1)·in/out)) (PyTorch's AdaptiveAvgPool2d). */
  AdaptiveAvgPool2D: { inputs: { x: T }; attrs: Resample2DInfo };
  ResizeBilinear: { inputs: { x: T }; attrs: ResizeBilinearInfo };
  /** NCHW: out[n, c, y·r+i, x·r+j] = in[n, c·r²+i·r+j, y, x]. */
  PixelShuffle: { inputs: { x: T }; attrs: { upscale: number } };
  Transpose: { inputs: { x: T }; attrs: { perm: number[] } };
  Slice: { inputs: { x: T }; attrs: { begin: number[]; size: number[] } };
  Concat: { inputs: { xs: T[] }; attrs: { axis: number } };
  Pad: { inputs: { x: T }; attrs: { paddings: Array<[number, number]>; value: number } };
  Cast: { inputs: { x: T }; attrs: { dtype: DType } };
  DCNv3: { inputs: { value: T; offset: T; mask: T }; attrs: DCNv3Info };
}

export type KernelName = keyof KernelSpec;
