// Loads a small InternImage from a safetensors state_dict (the official implementation's tiny T-style golden case),
// classifies its two input images and extracts backbone features. Run: npm run example -- tiny-model
import { readFileSync } from 'node:fs';
import '@internimage/backend-cpu';
import * as ii from '@internimage/core';
import { InternImage, configFromOfficial } from 'internimage';

await ii.setBackend('cpu');
const dir = new URL('../test/fixtures/internimage/', import.meta.url);
const read = (name: string) => ii.readSafetensors(new Uint8Array(readFileSync(new URL(name, dir))));

const io = read('model_tiny_t.safetensors');
const config = configFromOfficial(JSON.parse(io.metadata.config!));
const model = InternImage.fromWeights(config, read('model_tiny_t_weights.safetensors'));
const images = io.tensor('input'); // [2, 3, 64, 64], normalised NCHW

const logits = model.classify(images);
const top = ii.argMax(logits, { axis: -1 });
console.log('top class per image:', Array.from(await top.data()));
console.log('relative L2 error vs the official logits:', ii.relativeL2Error(await logits.data(), io.values('logits').data).toExponential(2));

const features = model.features(images, { layout: 'NCHW' });
console.log('backbone features:', features.map((f) => `[${f.shape.join(', ')}]`).join(' '));

ii.dispose(images, logits, top, ...features);
model.dispose();
console.log('live tensors after dispose:', ii.memory().tensors);
