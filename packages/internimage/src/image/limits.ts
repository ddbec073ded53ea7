/** Refuse images whose pixels alone would take more than this (a 16k × 16k RGBA image is 1 GiB). */
export const MAX_PIXELS = 268_402_689;
