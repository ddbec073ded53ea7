#!/usr/bin/env python3
"""Generates test/fixtures/pth/: small PyTorch checkpoints in the layouts people have, plus hostile ones.

Run from the repository root: /usr/bin/python3 test/tools/gen_pth_cases.py (needs Debian's python3-torch).
expected.json records, per file, what a reader must find: canonical names with shapes, stored dtypes and values.
"""
import argparse
import collections
import io
import json
import os
import pickle
import zipfile

import numpy as np
import torch

torch.manual_seed(0)
OUT = 'test/fixtures/pth'
expected = {}


def sd_base():
    return collections.OrderedDict([
        ('levels.0.blocks.0.gamma1', torch.rand(4)),
        ('levels.0.blocks.0.norm1.0.weight', torch.rand(4)),
        ('head.weight', torch.rand(3, 4)),
        ('conv_head.1.0.num_batches_tracked', torch.tensor(7)),
    ])


def record(name, canonical, **extra):
    expected[name] = {
        'tensors': {k: {'shape': list(v.shape), 'dtype': str(v.dtype).replace('torch.', ''),
                        'values': v.double().flatten().tolist()} for k, v in canonical.items()},
        **extra,
    }


base = sd_base()

# The published layout: {'model': state_dict}, as a real nn.Module state_dict (OrderedDict with _metadata).
m = torch.nn.Linear(4, 3)
published = m.state_dict()
torch.save({'model': published}, f'{OUT}/published_layout.pth')
record('published_layout.pth', published, stateDictKey='model')

# {'state_dict': ...} with DataParallel's 'module.' prefix, saved with pickle protocol 4.
torch.save({'state_dict': collections.OrderedDict(('module.' + k, v) for k, v in base.items())},
           f'{OUT}/state_dict_module_prefix.pth', pickle_protocol=4)
record('state_dict_module_prefix.pth', base, stateDictKey='state_dict')

# A training checkpoint: model, model_ema, optimizer, epoch, numpy scalar, argparse config.
ema = collections.OrderedDict((k, v + 1 if v.is_floating_point() else v) for k, v in base.items())
torch.save({'model': base, 'model_ema': ema, 'optimizer': {'state': {}, 'param_groups': [{'lr': 0.001, 'params': [0, 1]}]},
            'epoch': 299, 'max_accuracy': np.float64(83.4), 'config': argparse.Namespace(lr=0.001, name='internimage_t')},
           f'{OUT}/training_checkpoint.pth')
record('training_checkpoint.pth', base, stateDictKey='model', ema={k: v.double().flatten().tolist() for k, v in ema.items()})

# The Hugging Face export: raw state_dict, 'model.' prefix, gamma renamed layer_scale; pickle protocol 5.
hf = collections.OrderedDict(('model.' + k.replace('gamma1', 'layer_scale1'), v) for k, v in base.items())
torch.save(hf, f'{OUT}/hf_raw_state_dict.pth', pickle_protocol=5)
record('hf_raw_state_dict.pth', base, stateDictKey='')

# Storage dtypes, views with offsets, non-contiguous and shared storages.
big = torch.arange(24, dtype=torch.float32).reshape(4, 6)
dt = collections.OrderedDict([
    ('f16', torch.tensor([0.5, -2.0, 65504.0], dtype=torch.float16)),
    ('bf16', torch.tensor([1.5, -3.0, 1e-3], dtype=torch.bfloat16)),
    ('f64', torch.tensor([1e-10, 2.5], dtype=torch.float64)),
    ('i64', torch.tensor([-5, 2**31 - 1], dtype=torch.int64)),
    ('u8', torch.tensor([0, 200, 255], dtype=torch.uint8)),
    ('i32', torch.tensor([-7, 9], dtype=torch.int32)),
    ('row_view', big[2]),             # storage offset 12
    ('transposed', big.t()),          # non-contiguous
    ('strided', big[:, ::2]),         # non-contiguous with offset 0
    ('shared_a', big),                # the same storage as the views
])
torch.save({'model': dt}, f'{OUT}/dtypes_and_views.pth')
record('dtypes_and_views.pth', dt, stateDictKey='model')

# The pre-1.6 serialisation (not a zip): must be rejected with a clear message.
torch.save({'model': base}, f'{OUT}/legacy_format.pth', _use_new_zipfile_serialization=False)


def zip_checkpoint(path, pkl, storages=()):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
        z.writestr('archive/data.pkl', pkl)
        for key, data in storages:
            z.writestr(f'archive/data/{key}', data)
        z.writestr('archive/version', '3\n')


class Evil:
    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg

    def __reduce__(self):
        return (self.fn, (self.arg,))


import builtins
import subprocess
zip_checkpoint(f'{OUT}/evil_posix_system.pth', pickle.dumps({'model': Evil(os.system, 'echo pwned > /tmp/pwned')}, protocol=2))
# The same written by hand with the 'os' module name, as a hostile file would: {'model': os.system('id')}.
zip_checkpoint(f'{OUT}/evil_os_system.pth',
               b'\x80\x02}q\x00X\x05\x00\x00\x00modelq\x01cos\nsystem\nq\x02X\x02\x00\x00\x00idq\x03\x85q\x04Rq\x05s.')
zip_checkpoint(f'{OUT}/evil_eval.pth', pickle.dumps({'model': Evil(builtins.eval, '1+1')}, protocol=4))
zip_checkpoint(f'{OUT}/evil_popen.pth', pickle.dumps(Evil(subprocess.Popen, ['id']), protocol=5))


class Storage:
    """Pickled as PyTorch's persistent storage id."""
    def __init__(self, key, numel):
        self.key, self.numel = key, numel


class FakeTensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride, False, collections.OrderedDict())

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, self.args)


class TorchLike(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ('storage', torch.FloatStorage, obj.key, 'cpu', obj.numel)
        return None


def crafted(path, model, storages):
    buf = io.BytesIO()
    TorchLike(buf, protocol=2).dump({'model': model})
    zip_checkpoint(path, buf.getvalue(), storages)


four = np.arange(4, dtype='<f4').tobytes()
crafted(f'{OUT}/bad_offset_past_storage.pth', {'w': FakeTensor(Storage('0', 4), 2, (4,), (1,))}, [('0', four)])
crafted(f'{OUT}/bad_storage_size.pth', {'w': FakeTensor(Storage('0', 8), 0, (4,), (1,))}, [('0', four)])
crafted(f'{OUT}/bad_missing_storage.pth', {'w': FakeTensor(Storage('9', 4), 0, (4,), (1,))}, [('0', four)])

with open(f'{OUT}/expected.json', 'w') as f:
    json.dump(expected, f, indent=1)
print(sorted(os.listdir(OUT)))
