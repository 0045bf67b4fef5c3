// Computes one feature for every point of both splits: node feature.mjs sum|product DATA OUT.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [kind, dataFolder, outputFolder] = process.argv.slice(2);
const formulas = { sum: (x, y) => x + y, product: (x, y) => x * y };
const formula = formulas[kind];
if (formula === undefined) throw new Error(`unknown feature ${kind}: use sum or product`);

mkdirSync(outputFolder, { recursive: true });
for (const split of ['train', 'test']) {
  const rows = readFileSync(join(dataFolder, `${split}.csv`), 'utf8').trim().split('\n').slice(1);
  const values = rows.map((row) => {
    const [x, y] = row.split(',').map(Number);
    return Number(formula(x, y).toFixed(6));
  });
  writeFileSync(join(outputFolder, `${split}.json`), JSON.stringify(values) + '\n');
  console.log(`${kind}: ${values.length} ${split} values`);
}
