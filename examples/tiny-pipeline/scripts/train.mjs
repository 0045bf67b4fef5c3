// Fits a logistic regression on the two features by plain gradient descent: node train.mjs
// FEATURES TRAIN_CSV MODEL. A fixed number of steps from zero weights: the same inputs give the
// same model, byte for byte.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [featureFolder, trainCsv, modelFile] = process.argv.slice(2);
const sum = JSON.parse(readFileSync(join(featureFolder, 'sum', 'train.json'), 'utf8'));
const product = JSON.parse(readFileSync(join(featureFolder, 'product', 'train.json'), 'utf8'));
const labels = readFileSync(trainCsv, 'utf8').trim().split('\n').slice(1).map((row) => Number(row.split(',')[2]));

const weights = { bias: 0, sum: 0, product: 0 };
const rate = 0.5;
for (let step = 0; step < 2000; step++) {
  const gradient = { bias: 0, sum: 0, product: 0 };
  for (let index = 0; index < labels.length; index++) {
    const score = weights.bias + weights.sum * sum[index] + weights.product * product[index];
    const error = 1 / (1 + Math.exp(-score)) - labels[index];
    gradient.bias += error;
    gradient.sum += error * sum[index];
    gradient.product += error * product[index];
  }
  for (const name of Object.keys(weights)) weights[name] -= (rate * gradient[name]) / labels.length;
}

mkdirSync(dirname(modelFile), { recursive: true });
const model = Object.fromEntries(Object.entries(weights).map(([name, value]) => [name, Number(value.toFixed(6))]));
writeFileSync(modelFile, JSON.stringify(model, null, 2) + '\n');
console.log(`trained on ${labels.length} points: ${JSON.stringify(model)}`);
