# Built only by scripts/build-cuda.mjs (npm run build:cuda), which sets CUDA_HOME; kept out of the package root so
# that `npm install` does not try to build it. The .cu files compile through the `cuda` rule below.
{
  'variables': {
    'cuda_home%': '<!(node -p "process.env.CUDA_HOME || \'/usr/local/cuda\'")',
    'nvcc%': '<!(node -p "process.env.NVCC || \'nvcc\'")',
    'kernels': '../../../kernels/cuda',
  },
  'targets': [{
    'target_name': 'internimage_cuda',
    'dependencies': ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
    'sources': [
      'addon.cc',
      '<(kernels)/elementwise.cu',
      '<(kernels)/reduce.cu',
      '<(kernels)/normalization.cu',
      '<(kernels)/pool.cu',
      '<(kernels)/resample.cu',
      '<(kernels)/gemm.cu',
      '<(kernels)/gemm_tc.cu',
      '<(kernels)/conv2d.cu',
      '<(kernels)/depthwise.cu',
      '<(kernels)/dcnv3.cu',
    ],
    'include_dirs': ['<(cuda_home)/include', '<(kernels)'],
    'cflags_cc': ['-std=c++17', '-O2'],
    'libraries': ['-L<(cuda_home)/lib64', '-lcudart_static', '-ldl', '-lpthread', '-lrt'],
    'rules': [{
      'rule_name': 'cuda',
      'extension': 'cu',
      'inputs': ['<(RULE_INPUT_PATH)', '<(kernels)/api.h', '<(kernels)/common.cuh', '<(kernels)/gemm_tile.cuh'],
      'outputs': ['<(INTERMEDIATE_DIR)/<(RULE_INPUT_ROOT).o'],
      'message': 'nvcc <(RULE_INPUT_PATH)',
      'process_outputs_as_sources': 1,
      'action': [
        '<(nvcc)', '-c', '<(RULE_INPUT_PATH)', '-o', '<@(_outputs)',
        '-std=c++17', '-O3', '-Xcompiler', '-fPIC', '-I<(kernels)',
        '-gencode', 'arch=compute_80,code=sm_80',
        '-gencode', 'arch=compute_90,code=sm_90',
        '-gencode', 'arch=compute_90,code=compute_90',
      ],
    }],
  }],
}
