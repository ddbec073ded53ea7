import type { DataFormat } from '@internimage/core';

export interface ImageStrides {
  n: number;
  c: number;
  h: number;
  w: number;
}

/** Element strides of an image tensor with `channels`×`height`×`width` in either layout. */
export function imageStrides(format: DataFormat, channels: number, height: number, width: number): ImageStrides {
  return format === 'NCHW'
    ? { n: channels * height * width, c: height * width, h: width, w: 1 }
    : { n: height * width * channels, c: 1, h: width * channels, w: channels };
}
