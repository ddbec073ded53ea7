import { cudaKernel } from '../cuda_backend.js';
import { DCN_VARIANT_CODE } from '../settings.js';

export const dcnv3Config = cudaKernel('DCNv3', ({ inputs: { value, offset, mask }, attrs: g }, be) => {
  const out = be.alloc(g.outShape, 'float32', 'DCNv3');
  be.device.dcnv3('DCNv3', {
    ...g, value: be.ptr(value), offset: be.ptr(offset), mask: be.ptr(mask), out: out.ptr, half: false,
    variant: DCN_VARIANT_CODE[be.device.settings.dcn],
  });
  return out.info;
});
