// erf by table lookup with linear interpolation: 2^16 intervals over [−6, 6] give an error below 5e-9 (erf'' ≤ 0.97),
// far under float32's resolution, at the cost of one multiply-add, where the series or exp-based forms cost 30+ ns.
import { erf } from '@internimage/backend-cpu';

const RANGE = 6;
const STEPS = 1 << 16;
const SCALE = STEPS / (2 * RANGE);
const table = new Float64Array(STEPS + 2);
for (let i = 0; i <= STEPS + 1; i++) table[i] = erf(i / SCALE - RANGE);

export function erfFast(x: number): number {
  if (!(x > -RANGE)) return x !== x ? NaN : -1;
  if (x >= RANGE) return 1;
  const t = (x + RANGE) * SCALE;
  const i = t | 0;
  const f = t - i;
  return table[i]! + f * (table[i + 1]! - table[i]!);
}
