// Scores the model on the held-out points: node evaluate.mjs MODEL FEATURES TEST_CSV METRICS.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [modelFile, featureFolder, testCsv, metricsFile] = process.argv.slice(2);
const model = JSON.parse(readFileSync(modelFile, 'utf8'));
const sum = JSON.parse(readFileSync(join(featureFolder, 'sum', 'test.json'), 'utf8'));
const product = JSON.parse(readFileSync(join(featureFolder, 'product', 'test.json'), 'utf8'));
const labels = readFileSync(testCsv, 'utf8').trim().split('\n').slice(1).map((row) => Number(row.split(',')[2]));

let correct = 0;
for (let index = 0; index < labels.length; index++) {
  const predicted = model.bias + model.sum * sum[index] + model.product * product[index] > 0 ? 1 : 0;
  if (predicted === labels[index]) correct++;
}
const metrics = { points: labels.length, accuracy: Number((correct / labels.length).toFixed(4)) };
mkdirSync(dirname(metricsFile), { recursive: true });
writeFileSync(metricsFile, JSON.stringify(metrics, null, 2) + '\n');
console.log(`accuracy ${metrics.accuracy} on ${metrics.points} held-out points`);
