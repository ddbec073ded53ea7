#!/usr/bin/env python3
"""Generates test/fixtures/op_cases.json: op cases as data with expected outputs computed by PyTorch in float64.

Inputs are random float32 values (seeded); expected values are PyTorch's float64 results of the same inputs.
Run from the repository root: /usr/bin/python3 test/tools/gen_op_cases.py  (needs Debian's python3-torch).
Each case: {name, op, args, inputs: {id: {shape, dtype, values}}, expected: {shape, dtype, values}, tolerance}.
In args, {"$t": id} stands for the input tensor `id`; everything else is passed to the op literally.
"""
import json
import math
import torch
import torch.nn.functional as F

torch.manual_seed(20261126)
cases = []


def rand(*shape, lo=-2.0, hi=2.0):
    return (torch.rand(shape, dtype=torch.float64) * (hi - lo) + lo).float().double()


def ints(*shape, lo=-9, hi=10):
    return torch.randint(lo, hi, shape, dtype=torch.int64)


def enc(t):
    dtype = 'int32' if t.dtype in (torch.int32, torch.int64) else 'float32'
    vals = t.flatten().tolist()
    if dtype == 'float32':
        vals = [v if math.isfinite(v) else str(v) for v in vals]
    return {'shape': list(t.shape), 'dtype': dtype, 'values': vals}


def case(name, op, args, inputs, expected, tolerance=1e-6):
    cases.append({'name': name, 'op': op, 'args': args,
                  'inputs': {k: enc(v) for k, v in inputs.items()},
                  'expected': enc(expected), 'tolerance': tolerance})


T = lambda k: {'$t': k}

# Elementwise binary with broadcasting, and scalar variants.
binary = {'add': torch.add, 'sub': torch.sub, 'mul': torch.mul, 'div': torch.div,
          'maximum': torch.maximum, 'minimum': torch.minimum, 'pow': torch.pow}
for op, fn in binary.items():
    a, b = rand(2, 3, 4), rand(3, 1)
    if op == 'pow':
        a = rand(2, 3, 4, lo=0.1, hi=3.0)
    if op == 'div':
        b = rand(3, 1, lo=0.5, hi=2.0)
    case(f'{op} broadcast [2,3,4] with [3,1]', op, [T('a'), T('b')], {'a': a, 'b': b}, fn(a, b))
    a2, b2 = rand(4), rand(2, 1, 4, lo=0.5, hi=2.0)
    if op == 'pow':
        a2 = rand(4, lo=0.1, hi=3.0)
    case(f'{op} broadcast [4] with [2,1,4]', op, [T('a'), T('b')], {'a': a2, 'b': b2}, fn(a2, b2))
    s = 1.5
    case(f'{op} tensor with scalar', op, [T('a'), s], {'a': a}, fn(a, torch.tensor(s, dtype=torch.float64)))
    if op != 'pow':
        case(f'{op} scalar with tensor', op, [s, T('b')], {'b': b2}, fn(torch.tensor(s, dtype=torch.float64), b2))
for op in ['add', 'sub', 'mul', 'maximum', 'minimum']:
    a, b = ints(3, 4), ints(4)
    case(f'{op} int32 broadcast', op, [T('a'), T('b')], {'a': a, 'b': b}, binary[op](a, b))
a0, b0 = rand(), rand()
case('add rank-0 with rank-0', 'add', [T('a'), T('b')], {'a': a0, 'b': b0}, a0 + b0)
e0, e1 = rand(0, 3), rand(3)
case('add empty tensors', 'add', [T('a'), T('b')], {'a': e0, 'b': e1}, e0 + e1)

# Unary.
x = torch.cat([rand(40, lo=-6, hi=6), torch.tensor([0.0, -0.5, 0.5, 3.5, -3.5, 7.0, -7.0, 1e-3], dtype=torch.float64)])
pos = rand(24, lo=0.01, hi=20)
unary = {
    'neg': (x, torch.neg), 'abs': (x, torch.abs), 'exp': (x, torch.exp), 'log': (pos, torch.log),
    'sqrt': (pos, torch.sqrt), 'rsqrt': (pos, torch.rsqrt), 'relu': (x, torch.relu),
    'gelu': (x, lambda t: F.gelu(t)), 'sigmoid': (x, torch.sigmoid), 'silu': (x, F.silu),
    'tanh': (x, torch.tanh), 'erf': (x, torch.erf),
}
for op, (inp, fn) in unary.items():
    case(f'{op}', op, [T('x')], {'x': inp}, fn(inp))
case('gelu tanh approximation', 'gelu', [T('x'), {'approximate': 'tanh'}], {'x': x}, F.gelu(x, approximate='tanh'))
case('erf tails', 'erf', [T('x')], {'x': torch.tensor([-30.0, -6.5, -2.5, -1.9, 1.9, 2.0, 2.5, 4.0, 6.5, 30.0], dtype=torch.float64)},
     torch.erf(torch.tensor([-30.0, -6.5, -2.5, -1.9, 1.9, 2.0, 2.5, 4.0, 6.5, 30.0], dtype=torch.float64)))
xi = ints(7)
case('neg int32', 'neg', [T('x')], {'x': xi}, -xi)
case('abs int32', 'abs', [T('x')], {'x': xi}, xi.abs())
case('relu int32', 'relu', [T('x')], {'x': xi}, xi.clamp(min=0))

# Reductions.
r = rand(2, 3, 4, 5)
for op, fn in {'sum': torch.sum, 'mean': torch.mean}.items():
    case(f'{op} all axes', op, [T('x')], {'x': r}, fn(r))
    case(f'{op} axis 1', op, [T('x'), {'axis': 1}], {'x': r}, fn(r, dim=1))
    case(f'{op} axes [0,2] keepDims', op, [T('x'), {'axis': [0, 2], 'keepDims': True}], {'x': r}, fn(r, dim=(0, 2), keepdim=True))
    case(f'{op} axis -1', op, [T('x'), {'axis': -1}], {'x': r}, fn(r, dim=-1))
for op, fn in {'max': torch.amax, 'min': torch.amin}.items():
    case(f'{op} all axes', op, [T('x')], {'x': r}, fn(r))
    case(f'{op} axes [1,3]', op, [T('x'), {'axis': [1, 3]}], {'x': r}, fn(r, dim=(1, 3)))
    case(f'{op} axis -2 keepDims', op, [T('x'), {'axis': -2, 'keepDims': True}], {'x': r}, fn(r, dim=-2, keepdim=True))
ri = ints(3, 4)
case('sum int32 axis 0', 'sum', [T('x'), {'axis': 0}], {'x': ri}, ri.sum(0))
case('max int32 axis 1', 'max', [T('x'), {'axis': 1}], {'x': ri}, ri.amax(1))
case('argMax last axis', 'argMax', [T('x')], {'x': r}, r.argmax(-1))
case('argMax axis 1 keepDims', 'argMax', [T('x'), {'axis': 1, 'keepDims': True}], {'x': r}, r.argmax(1, keepdim=True))
ties = torch.tensor([[1.0, 3.0, 3.0, 2.0], [5.0, 5.0, 5.0, 5.0]], dtype=torch.float64)
case('argMax first of ties', 'argMax', [T('x'), {'axis': 1}], {'x': ties}, torch.tensor([1, 0]))

# Softmax.
s = rand(2, 5, 3, lo=-8, hi=8)
case('softmax last axis', 'softmax', [T('x')], {'x': s}, torch.softmax(s, -1))
case('softmax axis 1', 'softmax', [T('x'), 1], {'x': s}, torch.softmax(s, 1))
big = torch.tensor([[1000.0, 1001.0, 999.0], [-1000.0, -1001.0, -999.0]], dtype=torch.float64)
case('softmax large logits', 'softmax', [T('x')], {'x': big}, torch.softmax(big, -1))

# Normalisation.
ln = rand(2, 3, 16, lo=-3, hi=5)
w, b = rand(16), rand(16)
case('layerNorm with weight and bias, eps 1e-6', 'layerNorm', [T('x'), {'weight': T('w'), 'bias': T('b'), 'eps': 1e-6}],
     {'x': ln, 'w': w, 'b': b}, F.layer_norm(ln, (16,), w, b, 1e-6))
case('layerNorm plain, default eps', 'layerNorm', [T('x')], {'x': ln}, F.layer_norm(ln, (16,), eps=1e-5))
bn = rand(2, 6, 3, 4)
mean, var, bw, bb = rand(6), rand(6, lo=0.2, hi=3), rand(6), rand(6)
ref = F.batch_norm(bn, mean, var, bw, bb, False, 0.0, 1e-5)
case('batchNorm NCHW', 'batchNorm', [T('x'), T('m'), T('v'), {'weight': T('w'), 'bias': T('b')}],
     {'x': bn, 'm': mean, 'v': var, 'w': bw, 'b': bb}, ref)
case('batchNorm NHWC axis -1', 'batchNorm', [T('x'), T('m'), T('v'), {'weight': T('w'), 'bias': T('b'), 'axis': -1, 'eps': 1e-3}],
     {'x': bn.permute(0, 2, 3, 1).contiguous(), 'm': mean, 'v': var, 'w': bw, 'b': bb},
     F.batch_norm(bn, mean, var, bw, bb, False, 0.0, 1e-3).permute(0, 2, 3, 1))
case('batchNorm without affine', 'batchNorm', [T('x'), T('m'), T('v')], {'x': bn, 'm': mean, 'v': var},
     F.batch_norm(bn, mean, var, None, None, False, 0.0, 1e-5))

# Matrix products.
A, B = rand(3, 4), rand(4, 5)
case('matMul 2-D', 'matMul', [T('a'), T('b')], {'a': A, 'b': B}, A @ B)
case('matMul transposeA', 'matMul', [T('a'), T('b'), {'transposeA': True}], {'a': A.T.contiguous(), 'b': B}, A @ B)
case('matMul transposeB', 'matMul', [T('a'), T('b'), {'transposeB': True}], {'a': A, 'b': B.T.contiguous()}, A @ B)
case('matMul both transposed', 'matMul', [T('a'), T('b'), {'transposeA': True, 'transposeB': True}],
     {'a': A.T.contiguous(), 'b': B.T.contiguous()}, A @ B)
BA, BB = rand(2, 1, 3, 4), rand(3, 4, 2)
case('matMul broadcast batch', 'matMul', [T('a'), T('b')], {'a': BA, 'b': BB}, BA @ BB)
X, W, Bi = rand(2, 3, 8), rand(5, 8), rand(5)
case('linear with bias', 'linear', [T('x'), T('w'), T('b')], {'x': X, 'w': W, 'b': Bi}, F.linear(X, W, Bi))
case('linear without bias, 1-D input', 'linear', [T('x'), T('w')], {'x': X[0, 0].contiguous(), 'w': W}, F.linear(X[0, 0], W))
case('linear with bias and GELU', 'linear', [T('x'), T('w'), T('b'), {'activation': 'gelu'}], {'x': X, 'w': W, 'b': Bi},
     F.gelu(F.linear(X, W, Bi)))

# Convolutions (weights OIHW; NHWC cases compare against the permuted NCHW result).
def conv_case(name, n, cin, h, wd, cout, k, stride=1, padding=0, dilation=1, groups=1, bias=True, nhwc=False, pad4=None):
    x = rand(n, cin, h, wd)
    wt = rand(cout, cin // groups, k, k) if isinstance(k, int) else rand(cout, cin // groups, *k)
    bs = rand(cout) if bias else None
    if pad4 is not None:
        t, bo, l, r = pad4
        ref = F.conv2d(F.pad(x, (l, r, t, bo)), wt, bs, stride, 0, dilation, groups)
        padding = pad4
    else:
        ref = F.conv2d(x, wt, bs, stride, padding, dilation, groups)
    opts = {'stride': stride, 'padding': padding, 'dilation': dilation, 'groups': groups}
    inputs = {'x': x.permute(0, 2, 3, 1).contiguous() if nhwc else x, 'w': wt}
    if bias:
        opts['bias'] = T('b')
        inputs['b'] = bs
    if nhwc:
        opts['dataFormat'] = 'NHWC'
        ref = ref.permute(0, 2, 3, 1)
    case(name, 'conv2d', [T('x'), T('w'), opts], inputs, ref)

conv_case('conv2d 3x3 pad 1', 2, 3, 7, 6, 4, 3, padding=1)
conv_case('conv2d 3x3 stride 2 pad 1 (stem)', 1, 3, 9, 8, 5, 3, stride=2, padding=1)
conv_case('conv2d dilation 2', 1, 2, 9, 9, 3, 3, padding=2, dilation=2)
conv_case('conv2d groups 2 no bias', 1, 4, 6, 6, 6, 3, padding=1, groups=2, bias=False)
conv_case('conv2d depthwise 3x3', 2, 5, 6, 7, 5, 3, padding=1, groups=5)
conv_case('conv2d depthwise 5x5', 1, 4, 8, 8, 4, 5, padding=2, groups=4)
conv_case('conv2d 1x1', 2, 6, 4, 5, 3, 1)
conv_case('conv2d rectangular kernel and stride', 1, 2, 8, 9, 3, (2, 3), stride=(2, 1), padding=(1, 0))
conv_case('conv2d asymmetric padding', 1, 2, 5, 5, 2, 3, pad4=(0, 2, 1, 0))
conv_case('conv2d NHWC 3x3 stride 2', 2, 3, 7, 6, 4, 3, stride=2, padding=1, nhwc=True)
conv_case('conv2d NHWC depthwise 5x5', 1, 6, 7, 7, 6, 5, padding=2, groups=6, nhwc=True)
conv_case('conv2d NHWC groups 3 dilation 2', 1, 6, 8, 8, 3, 3, padding=2, dilation=2, groups=3, nhwc=True)

# Pooling.
px = rand(2, 3, 6, 7)
case('avgPool2d 2x2 stride 2', 'avgPool2d', [T('x'), {'kernelSize': 2}], {'x': px}, F.avg_pool2d(px, 2))
case('avgPool2d 3x3 pad 1 counting padding', 'avgPool2d', [T('x'), {'kernelSize': 3, 'stride': 1, 'padding': 1}], {'x': px},
     F.avg_pool2d(px, 3, 1, 1))
case('avgPool2d 3x3 pad 1 not counting padding', 'avgPool2d',
     [T('x'), {'kernelSize': 3, 'stride': 2, 'padding': 1, 'countIncludePad': False}], {'x': px},
     F.avg_pool2d(px, 3, 2, 1, count_include_pad=False))
case('avgPool2d NHWC', 'avgPool2d', [T('x'), {'kernelSize': [2, 3], 'stride': [2, 2], 'dataFormat': 'NHWC'}],
     {'x': px.permute(0, 2, 3, 1).contiguous()}, F.avg_pool2d(px, (2, 3), (2, 2)).permute(0, 2, 3, 1))
case('globalAvgPool2d NCHW', 'globalAvgPool2d', [T('x')], {'x': px}, px.mean((2, 3)))
case('globalAvgPool2d NHWC keepDims', 'globalAvgPool2d', [T('x'), {'dataFormat': 'NHWC', 'keepDims': True}],
     {'x': px.permute(0, 2, 3, 1).contiguous()}, px.mean((2, 3), keepdim=True).permute(0, 2, 3, 1))
ps = rand(2, 8, 3, 2)
case('pixelShuffle 2', 'pixelShuffle', [T('x'), 2], {'x': ps}, F.pixel_shuffle(ps, 2))
ps3 = rand(1, 9, 2, 2)
case('pixelShuffle 3', 'pixelShuffle', [T('x'), 3], {'x': ps3}, F.pixel_shuffle(ps3, 3))

# Layout ops.
t = rand(2, 3, 4)
case('reshape with -1', 'reshape', [T('x'), [4, -1]], {'x': t}, t.reshape(4, -1))
case('transpose default reverses', 'transpose', [T('x')], {'x': t}, t.permute(2, 1, 0))
nh = rand(2, 3, 4, 5)
case('transpose NHWC to NCHW', 'transpose', [T('x'), [0, 3, 1, 2]], {'x': nh}, nh.permute(0, 3, 1, 2))
case('transpose negative axes', 'transpose', [T('x'), [-1, 0, 1]], {'x': t}, t.permute(2, 0, 1))
ti = ints(2, 3, 4)
case('transpose int32', 'transpose', [T('x'), [1, 0, 2]], {'x': ti}, ti.permute(1, 0, 2))
case('slice', 'slice', [T('x'), [1, 0, 1], [1, 2, -1]], {'x': t}, t[1:2, 0:2, 1:])
case('slice to the end by default', 'slice', [T('x'), [0, 1, 2]], {'x': t}, t[0:, 1:, 2:])
c1, c2, c3 = rand(2, 1, 4), rand(2, 3, 4), rand(2, 2, 4)
case('concat axis 1', 'concat', [[T('a'), T('b'), T('c')], 1], {'a': c1, 'b': c2, 'c': c3}, torch.cat([c1, c2, c3], 1))
c4 = rand(2, 3, 2)
case('concat axis -1', 'concat', [[T('a'), T('b')], -1], {'a': c2, 'b': c4}, torch.cat([c2, c4], -1))
case('pad', 'pad', [T('x'), [[0, 1], [2, 0], [1, 1]], 0.5], {'x': t}, F.pad(t, (1, 1, 2, 0, 0, 1), value=0.5))
case('pad int32', 'pad', [T('x'), [[1, 0], [0, 2], [0, 0]]], {'x': ti}, F.pad(ti, (0, 0, 0, 2, 1, 0)))
cf = torch.tensor([-2.7, -0.5, 0.0, 0.9, 3.99, 1e6], dtype=torch.float64)
case('cast float32 to int32 truncates', 'cast', [T('x'), 'int32'], {'x': cf}, cf.to(torch.int64))
case('cast int32 to float32', 'cast', [T('x'), 'float32'], {'x': ti}, ti.double())

# Resampling (appended last so the earlier cases keep their random inputs).
def resize_case(name, n, c, h, w, size, align, nhwc=False):
    x = rand(n, c, h, w)
    ref = F.interpolate(x, size=size, mode='bilinear', align_corners=align)
    opts = {'alignCorners': align}
    if nhwc:
        x, ref, opts['dataFormat'] = x.permute(0, 2, 3, 1).contiguous(), ref.permute(0, 2, 3, 1), 'NHWC'
    case(name, 'resizeBilinear', [T('x'), list(size), opts], {'x': x}, ref)

resize_case('resizeBilinear up, odd sizes', 2, 3, 5, 7, (9, 11), False)
resize_case('resizeBilinear up x4 (1/4 logits to full size)', 1, 2, 4, 5, (16, 20), False)
resize_case('resizeBilinear down, no antialiasing', 1, 2, 9, 10, (4, 3), False)
resize_case('resizeBilinear up H down W', 1, 3, 3, 8, (7, 5), False)
resize_case('resizeBilinear alignCorners up', 2, 2, 5, 7, (9, 11), True)
resize_case('resizeBilinear alignCorners down', 1, 2, 9, 10, (4, 3), True)
resize_case('resizeBilinear to 1x1', 1, 2, 4, 5, (1, 1), False)
resize_case('resizeBilinear alignCorners to 1x1', 1, 2, 4, 5, (1, 1), True)
resize_case('resizeBilinear from 1x1', 1, 3, 1, 1, (3, 2), False)
resize_case('resizeBilinear same size is identity', 1, 2, 3, 4, (3, 4), False)
resize_case('resizeBilinear NHWC up', 2, 3, 5, 4, (8, 9), False, nhwc=True)
resize_case('resizeBilinear NHWC alignCorners down', 1, 4, 7, 6, (3, 4), True, nhwc=True)

def adaptive_case(name, n, c, h, w, out, nhwc=False):
    x = rand(n, c, h, w)
    ref = F.adaptive_avg_pool2d(x, out)
    args = [T('x'), out if isinstance(out, int) else list(out)]
    if nhwc:
        x, ref = x.permute(0, 2, 3, 1).contiguous(), ref.permute(0, 2, 3, 1)
        args.append({'dataFormat': 'NHWC'})
    case(name, 'adaptiveAvgPool2d', args, {'x': x}, ref)

adaptive_case('adaptiveAvgPool2d 7x7 to 3 (uneven bins)', 2, 3, 7, 7, 3)
adaptive_case('adaptiveAvgPool2d 5x5 to 6 (overlapping bins)', 1, 2, 5, 5, 6)
adaptive_case('adaptiveAvgPool2d to 1 (global mean)', 2, 3, 4, 6, 1)
adaptive_case('adaptiveAvgPool2d 16x16 to PPM sizes 2, 3, 6', 1, 2, 16, 16, (2, 3))
adaptive_case('adaptiveAvgPool2d 16x16 to 6', 1, 2, 16, 16, 6)
adaptive_case('adaptiveAvgPool2d rectangular 7x9 to [3, 4]', 1, 3, 7, 9, (3, 4))
adaptive_case('adaptiveAvgPool2d identity', 1, 2, 3, 4, (3, 4))
adaptive_case('adaptiveAvgPool2d NHWC 9x7 to [6, 2]', 2, 3, 9, 7, (6, 2), nhwc=True)

with open('test/fixtures/op_cases.json', 'w') as f:
    json.dump({'generator': f'PyTorch {torch.__version__}, float64, test/tools/gen_op_cases.py', 'cases': cases}, f)
print(f'{len(cases)} cases')
