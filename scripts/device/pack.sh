#!/usr/bin/env bash
# Packs what a GPU machine without Node needs to run the GPU checks into .device/ (gitignored, carried by the
# device tool): a Node binary, the Vulkan loader for Dawn, and node_modules pruned of what the GPU checks never load
# (other platforms' binaries, onnxruntime, the TypeScript compiler, sharp), with the
# built dist/ folders and the CUDA addon. Run `npm run build && npm run build:cuda` first.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .device
[ -f .device/node.xz ] || xz -T2 -c "$(command -v node)" > .device/node.xz
# The GL loaders beside libvulkan1: NVIDIA's Vulkan ICD (libGLX_nvidia) needs libglvnd's dispatch libraries.
if ! ls .device/gl/libglvnd0_*.deb >/dev/null 2>&1; then
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  mkdir -p /tmp/amd64/partial .device/gl
  apt-get $o update >/dev/null
  (cd .device/gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null)
fi
tar -c \
  --exclude='node_modules/onnxruntime-node' --exclude='node_modules/onnxruntime-common' \
  --exclude='node_modules/typescript' --exclude='node_modules/protobufjs' --exclude='node_modules/onnx-proto' \
  --exclude='node_modules/@img' --exclude='node_modules/sharp' --exclude='node_modules/gpu.js/node_modules/webgpu' \
  --exclude='dist/darwin-*' --exclude='dist/win32-*' --exclude='dist/linux-arm64' \
  node_modules packages/*/dist packages/backend-cuda/native/build/Release/internimage_cuda.node \
  | xz -T2 -9 > .device/tree.tar.xz
ls -la .device .device/gl
