// The top-k list: one child per class, its text the label and the probability as a percentage, with a bar.
import type { Prediction } from 'internimage';

export const percent = (score: number) => `${(100 * score).toFixed(1)} %`;

export function renderPredictions(list: HTMLElement, predictions: readonly Prediction[]): void {
  list.replaceChildren(...predictions.map((p) => {
    const li = document.createElement('li');
    li.className = 'prediction';
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = p.label;
    label.title = `class ${p.index}`;
    const value = document.createElement('span');
    value.className = 'value';
    value.textContent = percent(p.score);
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.setProperty('--share', String(p.score));
    li.append(label, ' ', value, bar);
    return li;
  }));
}
