// A backend as a third party would ship it: a module that registers itself with core's registry when imported
// (here the reference kernels on typed arrays, under another name). Used with `node --import` by the CLI tests.
import { registerBackend, registerKernel } from '@internimage/core';
import { TypedArrayBackend, referenceKernels } from '@internimage/backend-cpu/shared';

registerBackend('third-party', () => new TypedArrayBackend('third-party'));
for (const k of referenceKernels) registerKernel({ ...k, backendName: 'third-party' });
