#!/usr/bin/env python3
"""Exports a randomly initialised InternImage-T (official architecture, DCNv3 through grid_sample as in the official
pure-PyTorch path dcnv3_core_pytorch) to ONNX, for timing onnxruntime-node beside our backends.

Run from the repository root (needs Debian's python3-torch; writes bench/lib/peers/internimage_t_224.onnx, ~120 MB,
git-ignored): /usr/bin/python3 bench/lib/peers/export_internimage_onnx.py
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

C0, DEPTHS, GROUPS = 64, (4, 4, 18, 4), (4, 8, 16, 32)


class LN(nn.LayerNorm):
    def __init__(self, c):
        super().__init__(c, eps=1e-6)


def dcnv3_core(value, offset, mask, group, d):
    # value [N,H,W,C] (already padded by 1), offset [N,H,W,G*18], mask [N,H,W,G*9]; k=3, stride 1, pad 1, scale 1.
    n, hp, wp, _ = value.shape
    h, w = hp - 2, wp - 2
    ys, xs = torch.meshgrid(torch.linspace(1.5, h + 0.5, h), torch.linspace(1.5, w + 0.5, w), indexing='ij')
    ref = torch.stack((xs / wp, ys / hp), -1).reshape(1, h, w, 1, 2)
    gx, gy = torch.meshgrid(torch.linspace(-1, 1, 3), torch.linspace(-1, 1, 3), indexing='ij')
    grid = torch.stack((gx / wp, gy / hp), -1).reshape(1, 1, 1, 9, 2).repeat(1, 1, 1, group, 1)
    loc = ref + grid + offset.reshape(n, h, w, group * 9, 2) / torch.tensor([wp, hp])
    g = (2 * loc - 1).reshape(n, h * w, group, 9, 2).permute(0, 2, 1, 3, 4).reshape(n * group, h * w, 9, 2)
    v = value.reshape(n, hp * wp, group, d).permute(0, 2, 3, 1).reshape(n * group, d, hp, wp)
    s = F.grid_sample(v, g, mode='bilinear', padding_mode='zeros', align_corners=False)
    m = mask.reshape(n, h * w, group, 9).permute(0, 2, 1, 3).reshape(n * group, 1, h * w, 9)
    out = (s * m).sum(-1).reshape(n, group * d, h * w)
    return out.transpose(1, 2).reshape(n, h, w, group * d)


class DCNv3(nn.Module):
    def __init__(self, c, g):
        super().__init__()
        self.g, self.d = g, c // g
        self.dw = nn.Conv2d(c, c, 3, padding=1, groups=c)
        self.dw_ln = LN(c)
        self.offset, self.mask = nn.Linear(c, g * 18), nn.Linear(c, g * 9)
        self.input_proj, self.output_proj = nn.Linear(c, c), nn.Linear(c, c)

    def forward(self, x):
        n, h, w, c = x.shape
        v = self.input_proj(x)
        y = F.gelu(self.dw_ln(self.dw(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)))
        m = F.softmax(self.mask(y).reshape(n, h, w, self.g, 9), -1).reshape(n, h, w, self.g * 9)
        a = dcnv3_core(F.pad(v, (0, 0, 1, 1, 1, 1)), self.offset(y), m, self.g, self.d)
        return self.output_proj(a)


class Block(nn.Module):
    def __init__(self, c, g):
        super().__init__()
        self.n1, self.dcn, self.n2 = LN(c), DCNv3(c, g), LN(c)
        self.mlp = nn.Sequential(nn.Linear(c, 4 * c), nn.GELU(), nn.Linear(4 * c, c))

    def forward(self, x):
        x = x + self.dcn(self.n1(x))
        return x + self.mlp(self.n2(x))


class Backbone(nn.Module):
    """Stem and the four stages of blocks `block`; returns the four stage outputs (NCHW), as detection and
    segmentation use them."""

    def __init__(self, block=Block):
        super().__init__()
        self.c1, self.n1 = nn.Conv2d(3, C0 // 2, 3, 2, 1), LN(C0 // 2)
        self.c2, self.n2 = nn.Conv2d(C0 // 2, C0, 3, 2, 1), LN(C0)
        self.stages = nn.ModuleList()
        for i in range(4):
            c = C0 * 2 ** i
            self.stages.append(nn.ModuleDict({
                'blocks': nn.Sequential(*[block(c, GROUPS[i]) for _ in range(DEPTHS[i])]), 'norm': LN(c),
                **({'down': nn.Conv2d(c, 2 * c, 3, 2, 1, bias=False), 'down_ln': LN(2 * c)} if i < 3 else {}),
            }))

    def forward(self, x):
        x = F.gelu(self.n1(self.c1(x).permute(0, 2, 3, 1)).permute(0, 3, 1, 2))
        x = self.n2(self.c2(x).permute(0, 2, 3, 1))
        feats = []
        for i, s in enumerate(self.stages):
            x = s['norm'](s['blocks'](x))
            feats.append(x.permute(0, 3, 1, 2))
            if i < 3:
                x = s['down_ln'](s['down'](x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1))
        return feats


class InternImageT(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = Backbone()
        f = C0 * 8
        self.head_conv, self.bn, self.fc = nn.Conv2d(f, int(1.5 * f), 1, bias=False), nn.BatchNorm2d(int(1.5 * f)), nn.Linear(int(1.5 * f), 1000)

    def forward(self, x):
        x = F.gelu(self.bn(self.head_conv(self.backbone(x)[3])))
        return self.fc(x.mean((2, 3)))


if __name__ == '__main__':
    model = InternImageT().eval()
    print(sum(p.numel() for p in model.parameters()), 'parameters')
    torch.onnx.export(model, torch.randn(1, 3, 224, 224), 'bench/lib/peers/internimage_t_224.onnx', opset_version=16,
                      input_names=['x'], output_names=['logits'], dynamic_axes={'x': {0: 'batch'}, 'logits': {0: 'batch'}})
    print('wrote bench/lib/peers/internimage_t_224.onnx')
