// What a browser bundle gets for this package (the `browser` export condition): 'cuda' is registered, and
// initialising it says why it cannot run, as it does in Node on a machine without the addon or a GPU.
import { registerBackend } from '@internimage/core';

registerBackend('cuda', () => {
  throw new Error('the CUDA backend is a Node addon: it does not run in a browser');
}, 3);
