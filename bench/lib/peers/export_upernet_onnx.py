#!/usr/bin/env python3
"""Exports a randomly initialised UperNet InternImage-T (the ADE20K segmentation model: backbone with layer scale, UPerHead
with 512 channels and 150 classes, logits resized to the input) to ONNX, for timing onnxruntime-node beside our
backends. DCNv3 goes through grid_sample as in the official pure-PyTorch path (export_internimage_onnx.py).

Run from the repository root (needs Debian's python3-torch; writes bench/lib/peers/upernet_internimage_t_<size>.onnx,
~240 MB, git-ignored): /usr/bin/python3 bench/lib/peers/export_upernet_onnx.py t 512
"""
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, 'bench/lib/peers')
from export_internimage_onnx import C0, Backbone, Block  # noqa: E402

SIZE = int(sys.argv[2]) if len(sys.argv) > 2 else 512
if (sys.argv[1] if len(sys.argv) > 1 else 't') != 't':
    raise SystemExit('only the T variant is exported here')
CH, CLASSES, POOLS = 512, 150, (1, 2, 3, 6)


class LayerScaleBlock(Block):
    """The segmentation T block: layer_scale=1.0, so both branches are scaled by gamma1/gamma2."""

    def __init__(self, c, g):
        super().__init__(c, g)
        self.gamma1, self.gamma2 = nn.Parameter(torch.ones(c)), nn.Parameter(torch.ones(c))

    def forward(self, x):
        x = x + self.gamma1 * self.dcn(self.n1(x))
        return x + self.gamma2 * self.mlp(self.n2(x))


def conv_module(cin, k):
    return nn.Sequential(nn.Conv2d(cin, CH, k, padding=k // 2, bias=False), nn.BatchNorm2d(CH), nn.ReLU())


def adaptive_avg_pool(x, s):
    """PyTorch's bins (floor start, ceil end) as static slices: ONNX has no adaptive pooling for non-divisible sizes."""
    h, w = x.shape[2], x.shape[3]
    rows = []
    for i in range(s):
        cols = []
        for j in range(s):
            y0, y1 = (i * h) // s, -((-(i + 1) * h) // s)
            x0, x1 = (j * w) // s, -((-(j + 1) * w) // s)
            cols.append(x[:, :, y0:y1, x0:x1].mean((2, 3), keepdim=True))
        rows.append(torch.cat(cols, 3))
    return torch.cat(rows, 2)


class UperNetT(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = Backbone(LayerScaleBlock)
        cs = [C0 * 2 ** i for i in range(4)]
        self.psp = nn.ModuleList([conv_module(cs[3], 1) for _ in POOLS])
        self.bottleneck = conv_module(cs[3] + len(POOLS) * CH, 3)
        self.laterals = nn.ModuleList([conv_module(c, 1) for c in cs[:3]])
        self.fpn = nn.ModuleList([conv_module(CH, 3) for _ in range(3)])
        self.fpn_bottleneck = conv_module(4 * CH, 3)
        self.conv_seg = nn.Conv2d(CH, CLASSES, 1)

    def forward(self, img):
        up = lambda t, like: F.interpolate(t, size=like.shape[2:], mode='bilinear', align_corners=False)
        feats = self.backbone(img)
        f3 = feats[3]
        pooled = [up(m(adaptive_avg_pool(f3, s)), f3) for m, s in zip(self.psp, POOLS)]
        lat = [m(f) for m, f in zip(self.laterals, feats[:3])] + [self.bottleneck(torch.cat([f3] + pooled, 1))]
        for i in (3, 2, 1):
            lat[i - 1] = lat[i - 1] + up(lat[i], lat[i - 1])
        outs = [m(l) for m, l in zip(self.fpn, lat[:3])] + [lat[3]]
        fused = self.fpn_bottleneck(torch.cat([outs[0]] + [up(o, outs[0]) for o in outs[1:]], 1))
        return up(self.conv_seg(fused), img)


model = UperNetT().eval()
print(sum(p.numel() for p in model.parameters()), 'parameters (without the auxiliary head)')
out = f'bench/lib/peers/upernet_internimage_t_{SIZE}.onnx'
torch.onnx.export(model, torch.randn(1, 3, SIZE, SIZE), out, opset_version=16, input_names=['x'], output_names=['logits'])
print('wrote', out)
