// The demo's segmentation step: with a UperNet checkpoint it segments the sample photo; without one it says how to,
// since a random UperNet-T pass (~230 GMAC at this photo's network size) would only produce noise, slowly.
import { SAMPLE_PHOTO } from '../assets.js';
import { classShares } from '../segmentation/render.js';
import { createSegmenter } from '../segmentation/segmenter.js';
import { byteProgress } from './progress.js';

export async function segmentationDemo(weights: string | undefined, backend: string): Promise<void> {
  const command = `internimage segment ${SAMPLE_PHOTO} --weights upernet_internimage_t_512_160k_ade20k --out-dir segmentation`;
  if (!weights) {
    console.log('3. Semantic segmentation (UperNet InternImage-T, ADE20K): no checkpoint given, so not run. With the published one');
    console.log('   (fetched from the Hugging Face Hub into its cache on first use):');
    console.log(`   npm start -- --seg-weights upernet_internimage_t_512_160k_ade20k, or\n   ${command}`);
    return;
  }
  const progress = byteProgress('loading weights');
  const segmenter = await createSegmenter({ weights, backend, onProgress: progress.update }).finally(progress.stop);
  try {
    console.log(`3. Semantic segmentation with ${weights} on ${backend} (img_scale ${segmenter.imgScale.join('×')}); takes a while on CPU…`);
    const seg = await segmenter.segment(SAMPLE_PHOTO);
    for (const s of classShares(seg).slice(0, 5)) console.log(`   ${(s.fraction * 100).toFixed(1).padStart(5)}%  ${String(s.index).padStart(3)}  ${s.name}`);
    console.log(`   pictures: ${command.replace('upernet_internimage_t_512_160k_ade20k', weights)}`);
  } finally {
    segmenter.dispose();
  }
}
