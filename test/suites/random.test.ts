// The tests' seeded generator is the exact 32-bit LCG (a float multiply would lose bits once the state is large).
import test from 'ava';
import { seededRandom } from '../harness/random.js';

test('seededRandom follows state = (1103515245·state + 12345) mod 2^32 exactly', (t) => {
  const random = seededRandom(12345);
  let state = 12345n;
  for (let i = 0; i < 1000; i++) {
    state = (1103515245n * state + 12345n) % 2n ** 32n;
    const got = random.uint32();
    if (BigInt(got) !== state) return t.fail(`step ${i}: ${got}, expected ${state}`);
  }
  t.pass();
});
