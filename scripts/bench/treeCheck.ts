// Checks a restored tree against the dataset it came from: the same set of files, each with the
// sha256 recorded when the dataset was generated. A benchmark of a restore that restored the wrong
// bytes would measure nothing, so any difference fails the run.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Dataset } from './datasets.js';

const hashConcurrency = 8;
const problemsShown = 5;

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file under `directory`, as paths relative to `base` with `/`. */
async function listFiles(base: string, directory: string, found: string[]): Promise<void> {
  for (const entry of await readdir(join(base, directory), { withFileTypes: true })) {
    const path = `${directory}/${entry.name}`;
    if (entry.isDirectory()) await listFiles(base, path, found);
    else found.push(path);
  }
}

/** Problems found in `restoredRoot` (empty when it holds exactly the dataset's files and bytes). */
export async function checkRestoredTree(dataset: Dataset, restoredRoot: string): Promise<string[]> {
  const problems: string[] = [];
  const found: string[] = [];
  const outputStat = await stat(join(restoredRoot, dataset.output)).catch(() => null);
  if (outputStat === null) return [`${dataset.output} is missing from ${restoredRoot}`];
  if (outputStat.isDirectory()) await listFiles(restoredRoot, dataset.output, found);
  else found.push(dataset.output);

  const expected = new Set(dataset.entries.map((entry) => entry.path));
  for (const path of found) if (!expected.has(path)) problems.push(`unexpected file ${path}`);
  const present = new Set(found);
  const toHash = dataset.entries.filter((entry) => {
    if (present.has(entry.path)) return true;
    problems.push(`missing file ${entry.path}`);
    return false;
  });

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < toHash.length) {
      const entry = toHash[next++]!;
      const digest = await sha256Of(join(restoredRoot, entry.path));
      if (digest !== entry.sha256) problems.push(`${entry.path}: sha256 ${digest}, expected ${entry.sha256}`);
    }
  };
  await Promise.all(Array.from({ length: hashConcurrency }, worker));
  if (problems.length > problemsShown) return [...problems.slice(0, problemsShown), `and ${problems.length - problemsShown} more`];
  return problems;
}
