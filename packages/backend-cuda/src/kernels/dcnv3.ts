import type { DCNv3Info } from '@internimage/core';
import type { DcnLaunch, Ptr } from '../addon.js';
import { cudaKernel } from '../cuda_backend.js';
import type { DcnVariant } from '../settings.js';
import { DCN_VARIANT_CODE } from '../settings.js';

/** The addon's DCNv3 arguments for core's resolved geometry. */
export function dcnLaunch(g: DCNv3Info, ptrs: { value: Ptr; offset: Ptr; mask: Ptr; out: Ptr }, half: boolean, variant: DcnVariant): DcnLaunch {
  return {
    ...ptrs,
    batch: g.batch, inH: g.inH, inW: g.inW, outH: g.outH, outW: g.outW, kH: g.kernelH, kW: g.kernelW,
    strideH: g.strideH, strideW: g.strideW, padH: g.padH, padW: g.padW, dilH: g.dilationH, dilW: g.dilationW,
    group: g.group, groupChannels: g.groupChannels, points: g.points, offsetScale: g.offsetScale,
    removeCenter: g.removeCenter ? 1 : 0, half: half ? 1 : 0, variant: DCN_VARIANT_CODE[variant],
  };
}

export const dcnv3Config = cudaKernel('DCNv3', ({ inputs: { value, offset, mask }, attrs: g }, be) => {
  const out = be.alloc(g.outShape, 'float32', 'DCNv3');
  const ptrs = { value: be.ptr(value), offset: be.ptr(offset), mask: be.ptr(mask), out: out.ptr };
  be.device.dcnv3('DCNv3', dcnLaunch(g, ptrs, false, be.device.settings.dcn));
  return out.info;
});
