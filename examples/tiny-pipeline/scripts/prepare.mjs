// Makes synthetic labelled points: x and y in [0, 1), labelled 1 when x + y + x*y/2, plus a little
// noise, is over 1.2. The same seed gives the same bytes, so the step's outputs are reproducible.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { seed: { type: 'string' }, points: { type: 'string' }, 'held-out': { type: 'string' } } });
const count = Number(values.points);
const heldOut = Number(values['held-out']);

// mulberry32: a small seeded generator, so no dependency is needed.
let state = Number(values.seed) >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let value = Math.imul(state ^ (state >>> 15), 1 | state);
  value ^= value + Math.imul(value ^ (value >>> 7), 61 | value);
  return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
}

const rows = [];
for (let index = 0; index < count; index++) {
  const x = random();
  const y = random();
  const noise = (random() - 0.5) * 0.2;
  rows.push(`${x.toFixed(6)},${y.toFixed(6)},${x + y + (x * y) / 2 + noise > 1.2 ? 1 : 0}`);
}
const split = Math.round(count * (1 - heldOut));
mkdirSync('data', { recursive: true });
writeFileSync('data/train.csv', ['x,y,label', ...rows.slice(0, split)].join('\n') + '\n');
writeFileSync('data/test.csv', ['x,y,label', ...rows.slice(split)].join('\n') + '\n');
console.log(`prepared ${split} training and ${count - split} test points`);
