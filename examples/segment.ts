// Semantic segmentation with InternImage + UperNet: create once, segment a photo, draw the class map, dispose.
// Run: npm run example -- segment [upernet_internimage_t_512_160k_ade20k.pth]
// With the published ADE20K checkpoint (https://huggingface.co/OpenGVLab/InternImage) the map is meaningful; without
// it a small UperNet with random weights stands in (the map is then noise) so that the example runs in seconds.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_PHOTO, classShares, colorizeClassMap, createSegmenter, encodePng, overlayClassMap, readImage } from 'internimage';

const weights = process.argv[2];
const segmenter = await createSegmenter(weights
  ? { weights, backend: 'wasm' }
  : {
    backend: 'wasm', imgScale: [320, 192],
    config: { backbone: { channels: 16, depths: [1, 1, 2, 1], groups: [1, 2, 4, 8], layerScale: 1 }, channels: 32, auxChannels: null },
  });
console.log(`weights: ${segmenter.weights}${weights ? '' : ' (a small random UperNet: the class map is noise)'}`);
const image = await readImage(SAMPLE_PHOTO);
const seg = await segmenter.segment(image);
for (const s of classShares(seg).slice(0, 5)) console.log(`${(s.fraction * 100).toFixed(1).padStart(5)}%  ${s.name}`);
const dir = mkdtempSync(join(tmpdir(), 'internimage-segment-'));
writeFileSync(join(dir, 'classes.png'), encodePng(colorizeClassMap(seg)));
writeFileSync(join(dir, 'overlay.png'), encodePng(overlayClassMap(image, seg)));
console.log(`wrote ${dir}/classes.png and overlay.png (${seg.width}×${seg.height})`);
segmenter.dispose();
