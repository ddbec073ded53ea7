// Every op rejects bad shapes, dtypes and attributes in core, before any kernel runs, with a message that names the
// op, the argument, the expectation and what it got.
import test from 'ava';
import * as ii from '@internimage/core';
import '@internimage/backend-cpu';

await ii.setBackend('cpu');

const f = (shape: number[]) => ii.zeros(shape);
const i32 = (shape: number[]) => ii.zeros(shape, 'int32');

const bad: Array<[string, () => unknown, RegExp]> = [
  ['add: incompatible shapes', () => ii.add(f([2, 3]), f([4])), /^add: argument 'b' must be broadcastable with 'a' \[2, 3\], got shape \[4\]$/],
  ['add: mixed dtypes', () => ii.add(f([2]), i32([2])), /^add: argument 'b' must be of the same dtype as 'a' \(float32\), got a int32 tensor$/],
  ['add: two numbers', () => ii.add(1 as never, 2), /^add: argument 'a' must be a Tensor when b is a number/],
  ['mul: not a tensor', () => ii.mul([1, 2] as never, f([2])), /^mul: argument 'a' must be a Tensor, got \[1, 2\]$/],
  ['div: int32', () => ii.div(i32([2]), i32([2])), /^div: argument 'a' must be of dtype float32, got a int32 tensor$/],
  ['add: non-integer scalar with int32', () => ii.add(i32([2]), 0.5), /^add: argument 'b' must be an integer when the tensor operand is int32, got 0.5$/],
  ['sub: NaN scalar', () => ii.sub(f([2]), NaN), /^sub: argument 'b' must be a finite number, got NaN$/],
  ['exp: int32', () => ii.exp(i32([3])), /^exp: argument 'x' must be of dtype float32, got a int32 tensor$/],
  ['gelu: unknown approximation', () => ii.gelu(f([2]), { approximate: 'fast' as never }), /^gelu: argument 'approximate' must be one of 'none', 'tanh', got "fast"$/],
  ['sum: axis out of range', () => ii.sum(f([2, 3]), { axis: 2 }), /^sum: argument 'axis\[0\]' must be an integer in \[-2, 1\], got 2$/],
  ['sum: repeated axes', () => ii.sum(f([2, 3]), { axis: [1, -1] }), /^sum: argument 'axis' must be distinct axes, got \[1, -1\]$/],
  ['mean: unknown option', () => ii.mean(f([2]), { axes: [0] } as never), /^mean: argument 'options.axes' must be one of the known options \(axis, keepDims\), got an unknown option$/],
  ['mean: int32', () => ii.mean(i32([2])), /^mean: argument 'x' must be of dtype float32/],
  ['max: empty axis', () => ii.max(f([0, 3]), { axis: 0 }), /^max: argument 'x' must be non-empty along the reduced axes, got shape \[0, 3\]$/],
  ['argMax: scalar', () => ii.argMax(ii.scalar(1)), /^argMax: argument 'x' must be a tensor of rank >= 1, got a scalar$/],
  ['softmax: axis', () => ii.softmax(f([2, 3]), 5), /^softmax: argument 'axis' must be an integer in \[-2, 1\], got 5$/],
  ['layerNorm: weight shape', () => ii.layerNorm(f([2, 4]), { weight: f([3]) }), /^layerNorm: argument 'weight' must be of shape \[4\] \(the last axis of x\), got \[3\]$/],
  ['layerNorm: eps', () => ii.layerNorm(f([2, 4]), { eps: Infinity }), /^layerNorm: argument 'eps' must be a finite number, got Infinity$/],
  ['batchNorm: mean shape', () => ii.batchNorm(f([1, 3, 2, 2]), f([4]), f([3])), /^batchNorm: argument 'mean' must be of shape \[3\] \(x's channel axis 1\), got \[4\]$/],
  ['batchNorm: rank', () => ii.batchNorm(f([3]), f([3]), f([3])), /^batchNorm: argument 'x' must be of rank >= 2/],
  ['matMul: inner dimension', () => ii.matMul(f([2, 3]), f([4, 5])), /^matMul: argument 'b' must be a matrix with 3 rows \(the inner dimension of a\), got shape \[4, 5\]$/],
  ['matMul: rank 1', () => ii.matMul(f([3]), f([3, 2])), /^matMul: argument 'a' must be of rank >= 2, got shape \[3\]$/],
  ['matMul: batch', () => ii.matMul(f([2, 2, 3]), f([3, 3, 1])), /^matMul: argument 'b' must be batch dimensions broadcastable with a's \[2\], got \[3\]$/],
  ['linear: weight layout', () => ii.linear(f([2, 8]), f([8, 5])), /^linear: argument 'weight' must be of shape \[out, 8\] \(in = last axis of x\), got \[8, 5\]$/],
  ['linear: bias', () => ii.linear(f([2, 8]), f([5, 8]), f([8])), /^linear: argument 'bias' must be of shape \[5\] \(out features of weight\), got \[8\]$/],
  ['linear: activation', () => ii.linear(f([2, 8]), f([5, 8]), undefined, { activation: 'relu' as 'gelu' }), /^linear: argument 'options.activation' must be one of 'none', 'gelu', got 'relu'$/],
  ['conv2d: rank', () => ii.conv2d(f([3, 8, 8]), f([4, 3, 3, 3])), /^conv2d: argument 'x' must be of rank 4, got rank 3 \(shape \[3, 8, 8\]\)$/],
  ['conv2d: weight in channels', () => ii.conv2d(f([1, 3, 8, 8]), f([4, 2, 3, 3])), /^conv2d: argument 'weight' must be of shape \[out, 3 \(= in channels \/ groups\), kH >= 1, kW >= 1\], got \[4, 2, 3, 3\]$/],
  ['conv2d: groups', () => ii.conv2d(f([1, 3, 8, 8]), f([4, 1, 3, 3]), { groups: 2 }), /^conv2d: argument 'groups' must be a divisor of the input channels \(3\), got 2$/],
  ['conv2d: NHWC channels', () => ii.conv2d(f([1, 8, 8, 3]), f([4, 8, 3, 3]), { dataFormat: 'NHWC' }), /^conv2d: argument 'weight' must be of shape \[out, 3/],
  ['conv2d: stride 0', () => ii.conv2d(f([1, 3, 8, 8]), f([4, 3, 3, 3]), { stride: 0 }), /^conv2d: argument 'stride' must be an integer >= 1, got 0$/],
  ['conv2d: data format', () => ii.conv2d(f([1, 3, 8, 8]), f([4, 3, 3, 3]), { dataFormat: 'CHWN' as never }), /^conv2d: argument 'dataFormat' must be one of 'NCHW', 'NHWC', got "CHWN"$/],
  ['conv2d: kernel larger than input', () => ii.conv2d(f([1, 3, 2, 2]), f([4, 3, 3, 3])), /^conv2d: argument 'x' must be spatially at least the padded kernel extent 3x3, got 2x2 with padding \[0, 0, 0, 0\]$/],
  ['conv2d: bias', () => ii.conv2d(f([1, 3, 4, 4]), f([4, 3, 3, 3]), { bias: f([3]) }), /^conv2d: argument 'bias' must be of shape \[4\] \(out channels of weight\), got \[3\]$/],
  ['conv2d: padding', () => ii.conv2d(f([1, 3, 4, 4]), f([4, 3, 3, 3]), { padding: [1, 2, 3] as never }), /^conv2d: argument 'padding' must be an integer >= 0, \[h, w\] or \[top, bottom, left, right\], got \[1, 2, 3\]$/],
  ['conv2d: int32 input', () => ii.conv2d(i32([1, 3, 4, 4]), f([4, 3, 3, 3])), /^conv2d: argument 'x' must be of dtype float32, got a int32 tensor$/],
  ['avgPool2d: padding', () => ii.avgPool2d(f([1, 1, 4, 4]), { kernelSize: 2, padding: 2 }), /^avgPool2d: argument 'padding' must be at most half the kernel size \(2x2\) on each side, got \[2, 2, 2, 2\]$/],
  ['avgPool2d: kernelSize', () => ii.avgPool2d(f([1, 1, 4, 4]), {} as never), /^avgPool2d: argument 'kernelSize' must be an integer >= 1 or a pair \[h, w\], got undefined$/],
  ['globalAvgPool2d: rank', () => ii.globalAvgPool2d(f([1, 4, 4])), /^globalAvgPool2d: argument 'x' must be of rank 4/],
  ['resizeBilinear: rank', () => ii.resizeBilinear(f([1, 4, 4]), [2, 2]), /^resizeBilinear: argument 'x' must be of rank 4, got rank 3 \(shape \[1, 4, 4\]\)$/],
  ['resizeBilinear: size', () => ii.resizeBilinear(f([1, 1, 4, 4]), 8 as never), /^resizeBilinear: argument 'size' must be a pair \[outH, outW\], got 8$/],
  ['resizeBilinear: zero size', () => ii.resizeBilinear(f([1, 1, 4, 4]), [0, 2]), /^resizeBilinear: argument 'size\[0\]' must be an integer >= 1, got 0$/],
  ['resizeBilinear: alignCorners', () => ii.resizeBilinear(f([1, 1, 4, 4]), [2, 2], { alignCorners: 1 as never }), /^resizeBilinear: argument 'alignCorners' must be a boolean, got 1$/],
  ['resizeBilinear: layout', () => ii.resizeBilinear(f([1, 1, 4, 4]), [2, 2], { dataFormat: 'NWHC' as never }), /^resizeBilinear: argument 'dataFormat' must be one of 'NCHW', 'NHWC', got "NWHC"$/],
  ['resizeBilinear: unknown option', () => ii.resizeBilinear(f([1, 1, 4, 4]), [2, 2], { mode: 'nearest' } as never), /^resizeBilinear: argument 'options.mode' must be one of the known options \(alignCorners, dataFormat\), got an unknown option$/],
  ['resizeBilinear: empty image', () => ii.resizeBilinear(f([1, 0, 4, 2]), [2, 2], { dataFormat: 'NHWC' }), /^resizeBilinear: argument 'x' must be spatially at least 1x1, got 0x4 \(NHWC\)$/],
  ['resizeBilinear: int32', () => ii.resizeBilinear(i32([1, 1, 2, 2]), [4, 4]), /^resizeBilinear: argument 'x' must be of dtype float32, got a int32 tensor$/],
  ['adaptiveAvgPool2d: outputSize', () => ii.adaptiveAvgPool2d(f([1, 1, 4, 4]), [2, 0]), /^adaptiveAvgPool2d: argument 'outputSize\[1\]' must be an integer >= 1, got 0$/],
  ['adaptiveAvgPool2d: outputSize type', () => ii.adaptiveAvgPool2d(f([1, 1, 4, 4]), '2' as never), /^adaptiveAvgPool2d: argument 'outputSize' must be an integer >= 1 or a pair \[h, w\], got "2"$/],
  ['adaptiveAvgPool2d: rank', () => ii.adaptiveAvgPool2d(f([4, 4]), 2), /^adaptiveAvgPool2d: argument 'x' must be of rank 4/],
  ['adaptiveAvgPool2d: empty image', () => ii.adaptiveAvgPool2d(f([1, 1, 0, 4]), 2), /^adaptiveAvgPool2d: argument 'x' must be spatially at least 1x1, got 0x4 \(NCHW\)$/],
  ['adaptiveAvgPool2d: unknown option', () => ii.adaptiveAvgPool2d(f([1, 1, 4, 4]), 2, { layout: 'NHWC' } as never), /^adaptiveAvgPool2d: argument 'options.layout' must be one of the known options \(dataFormat\), got an unknown option$/],
  ['pixelShuffle: channels', () => ii.pixelShuffle(f([1, 6, 2, 2]), 2), /^pixelShuffle: argument 'x' must be channels divisible by upscale² = 4, got shape \[1, 6, 2, 2\]$/],
  ['reshape: size', () => ii.reshape(f([2, 3]), [4, 2]), /^reshape: argument 'shape' must be a shape with 6 elements \(x is \[2, 3\]\), got \[4, 2\] with 8$/],
  ['reshape: two -1', () => ii.reshape(f([2, 3]), [-1, -1]), /^reshape: argument 'shape' must be at most one -1, got \[-1, -1\]$/],
  ['transpose: not a permutation', () => ii.transpose(f([2, 3]), [0, 0]), /^transpose: argument 'perm' must be a permutation of 2 axes, got \[0, 0\]$/],
  ['slice: out of range', () => ii.slice(f([2, 3]), [0, 2], [1, 2]), /^slice: argument 'size\[1\]' must be an integer in \[0, 1\], got 2$/],
  ['slice: begin rank', () => ii.slice(f([2, 3]), [0]), /^slice: argument 'begin' must be an array of 2 integers \(one per axis of x\), got \[0\]$/],
  ['concat: shapes', () => ii.concat([f([2, 3]), f([3, 3])], 1), /^concat: argument 'xs\[1\]' must be of shape \[2, -1\] \(-1: any\) like xs\[0\], got \[3, 3\]$/],
  ['concat: dtypes', () => ii.concat([f([2]), i32([2])]), /^concat: argument 'xs\[1\]' must be of dtype float32 like xs\[0\], got a int32 tensor$/],
  ['concat: empty', () => ii.concat([]), /^concat: argument 'xs' must be a non-empty array of tensors, got \[\]$/],
  ['pad: pairs', () => ii.pad(f([2, 3]), [[1, 1]]), /^pad: argument 'paddings' must be 2 pairs \[before, after\] \(one per axis of x\), got \[\[1, 1\]\]$/],
  ['pad: negative', () => ii.pad(f([2]), [[-1, 0]]), /^pad: argument 'paddings\[0\]\[0\]' must be an integer >= 0, got -1$/],
  ['cast: dtype', () => ii.cast(f([2]), 'float16' as never), /^cast: argument 'dtype' must be 'float32' or 'int32', got "float16"$/],
  ['tensor: shape mismatch', () => ii.tensor([1, 2, 3], [2, 2]), /^tensor: argument 'shape' must be a shape with 3 elements \(the number of values\), got \[2, 2\] with 4 elements$/],
  ['tensor: ragged', () => ii.tensor([[1, 2], [3]]), /^tensor: argument 'values' must be a rectangular nested array of shape \[2, 2\], got \[3\] at values\[1\]$/],
  ['tensor: int32 range', () => ii.tensor([2 ** 31], [1], 'int32'), /^tensor: argument 'values' must be int32 values/],
  ['dcnv3: channels', () => ii.dcnv3(f([1, 4, 4, 8]), f([1, 4, 4, 36]), f([1, 4, 4, 18]), { group: 2, groupChannels: 3 }), /^dcnv3: argument 'value' must be \[N, H, W, 6\] \(group·groupChannels = 2·3 channels\), got \[1, 4, 4, 8\]$/],
  ['dcnv3: offset shape', () => ii.dcnv3(f([1, 4, 4, 8]), f([1, 4, 4, 18]), f([1, 4, 4, 18]), { group: 2, groupChannels: 4 }), /^dcnv3: argument 'offset' must be of shape \[1, 4, 4, 36\] \(N, Ho, Wo, G·P·2\), got \[1, 4, 4, 18\]$/],
  ['dcnv3: mask shape', () => ii.dcnv3(f([1, 4, 4, 8]), f([1, 4, 4, 36]), f([1, 4, 4, 9]), { group: 2, groupChannels: 4 }), /^dcnv3: argument 'mask' must be of shape \[1, 4, 4, 18\] \(N, Ho, Wo, G·P\), got \[1, 4, 4, 9\]$/],
  ['dcnv3: remove_center with even kernel', () => ii.dcnv3(f([1, 4, 4, 8]), f([1, 4, 4, 8]), f([1, 4, 4, 4]), { group: 1, groupChannels: 8, kernelSize: 2, removeCenter: true }), /^dcnv3: argument 'kernelSize' must be an odd square kernel when removeCenter is set, got 2x2$/],
  ['dcnv3: missing group', () => ii.dcnv3(f([1, 4, 4, 8]), f([1, 4, 4, 18]), f([1, 4, 4, 9]), { groupChannels: 8 } as never), /^dcnv3: argument 'group' must be an integer >= 1, got undefined$/],
  ['dcnv3: int32 offset', () => ii.dcnv3(f([1, 4, 4, 8]), i32([1, 4, 4, 18]), f([1, 4, 4, 9]), { group: 1, groupChannels: 8 }), /^dcnv3: argument 'offset' must be of dtype float32, got a int32 tensor$/],
  ['dcnv3: unknown option', () => ii.dcnv3(f([1, 4, 4, 8]), f([1, 4, 4, 18]), f([1, 4, 4, 9]), { group: 1, groupChannels: 8, offset_scale: 2 } as never), /^dcnv3: argument 'options.offset_scale' must be one of the known options/],
];

for (const [name, call, message] of bad) {
  test.serial(`rejects ${name}`, (t) => {
    const before = ii.memory().tensors;
    // Operands are created inside the call; tidy frees them whatever happens.
    const err = t.throws(() => ii.tidy(() => call()), { instanceOf: ii.ArgumentError });
    t.regex(err?.message ?? '', message);
    t.is(ii.memory().tensors, before, 'no tensor leaks when an op rejects its arguments');
  });
}

test.serial('rejects a disposed tensor', (t) => {
  const x = f([2]);
  x.dispose();
  t.throws(() => ii.relu(x), { message: /^relu: argument 'x' must be a live Tensor, got a disposed tensor of shape \[2\]$/ });
});
