#!/usr/bin/env node
// Builds the CUDA addon (native/ → native/build/Release/internimage_cuda.node) with node-gyp and nvcc.
// Exits 0 with a message when nvcc is absent (the backend then reports itself unavailable); exits non-zero when nvcc
// is present and the build fails. nvcc is looked up in PATH, then in $CUDA_HOME/bin and /usr/local/cuda/bin;
// INTERNIMAGE_NVCC=<path> names it explicitly, INTERNIMAGE_NVCC=none simulates a machine without it.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(packageDir, 'native');

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findNvcc() {
  const forced = process.env.INTERNIMAGE_NVCC;
  if (forced === 'none') return null;
  if (forced) return executable(forced) ? forced : null;
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean)];
  if (process.env.CUDA_HOME) dirs.push(join(process.env.CUDA_HOME, 'bin'));
  dirs.push('/usr/local/cuda/bin');
  for (const d of dirs) {
    const candidate = join(d, 'nvcc');
    if (executable(candidate)) return candidate;
  }
  return null;
}

const nvcc = findNvcc();
if (!nvcc) {
  console.log('nvcc not found, CUDA backend not built (looked in PATH, $CUDA_HOME/bin and /usr/local/cuda/bin)');
  process.exit(0);
}
// The toolkit root holds the headers and libcudart_static.a; nvcc may be a wrapper script elsewhere.
const hasToolkit = (dir) => existsSync(join(dir, 'include', 'cuda_runtime_api.h')) && existsSync(join(dir, 'lib64', 'libcudart_static.a'));
const cudaHome = [process.env.CUDA_HOME, dirname(dirname(realpathSync(nvcc))), '/usr/local/cuda'].find((d) => d && hasToolkit(d));
if (!cudaHome) {
  console.error(`found ${nvcc} but no CUDA toolkit (include/cuda_runtime_api.h, lib64/libcudart_static.a); set CUDA_HOME`);
  process.exit(1);
}
// Node's own headers (the prefix of this node binary) so that node-gyp downloads nothing.
const nodeDir = dirname(dirname(process.execPath));
const nodeDirArgs = existsSync(join(nodeDir, 'include', 'node', 'node.h')) ? [`--nodedir=${nodeDir}`] : [];
console.log(`building the CUDA addon with ${nvcc} (toolkit ${cudaHome})`);
const nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
const jobs = process.env.JOBS ?? 'max';
const result = spawnSync(process.execPath, [nodeGyp, 'rebuild', `--jobs=${jobs}`, ...nodeDirArgs], {
  cwd: nativeDir,
  stdio: 'inherit',
  env: { ...process.env, CUDA_HOME: cudaHome, NVCC: nvcc },
});
if (result.status !== 0) {
  console.error(`CUDA addon build failed (node-gyp exit ${result.status ?? result.signal})`);
  process.exit(result.status || 1);
}
console.log(`built ${join(nativeDir, 'build', 'Release', 'internimage_cuda.node')}`);
