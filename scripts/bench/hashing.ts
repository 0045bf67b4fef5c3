// Hashing throughput: `stoat hash` (md5, sha1 and sha256 of every file, one read each) against
// coreutils' md5sum, sha1sum and sha256sum run one after the other over the same files, which is
// what a user without stoat would run to get the same three digests; and md5sum alone, the floor on
// two cores (md5 cannot be split across cores, and stoat computes it beside the other two).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Dataset } from './datasets.js';
import { measure } from './measure.js';
import { stoatEnvironment } from './tools.js';

export interface HashingRuns {
  wallMs: number[];
  peakRssBytes: (number | null)[];
}

export interface HashingResult {
  files: number;
  bytes: number;
  stoat: HashingRuns;
  coreutils: HashingRuns;
  md5sum: HashingRuns;
  failure?: string;
}

interface HashedFile {
  path: string;
  sha256: string;
}

/** Runs the hashing comparison over the given datasets, which share one root directory. */
export async function runHashing(datasets: Dataset[], stoatCli: string, workDirectory: string, runs: number, timeoutSeconds: number, log: (line: string) => void): Promise<HashingResult> {
  const root = datasets[0]!.root;
  const entries = datasets.flatMap((dataset) => dataset.entries);
  const result: HashingResult = {
    files: entries.length,
    bytes: entries.reduce((sum, entry) => sum + entry.size, 0),
    stoat: { wallMs: [], peakRssBytes: [] },
    coreutils: { wallMs: [], peakRssBytes: [] },
    md5sum: { wallMs: [], peakRssBytes: [] },
  };
  // xargs packs as many paths into each call as the system allows: the tools' start-up is paid rarely.
  const list = join(workDirectory, 'hash-files.list');
  await writeFile(list, entries.map((entry) => `${entry.path}\0`).join(''));
  const coreutils = ['bash', '-c', `set -e; for tool in md5sum sha1sum sha256sum; do xargs -0 "$tool" < '${list}' > /dev/null; done`];
  const md5sum = ['bash', '-c', `xargs -0 md5sum < '${list}' > /dev/null`];
  const stoat = [process.execPath, stoatCli, 'hash', '--json', ...datasets.map((dataset) => dataset.output)];
  const environment = stoatEnvironment();
  const rssFile = join(workDirectory, 'hash.rss');
  const expected = new Map(entries.map((entry) => [entry.path, entry.sha256]));

  // Both sides read from the page cache: one unmeasured pass puts every file there first.
  await measure(['bash', '-c', `xargs -0 cat < '${list}' > /dev/null`], { cwd: root, env: environment, rssFile });
  for (let run = 1; run <= runs; run += 1) {
    const order = run % 2 === 1 ? (['stoat', 'coreutils', 'md5sum'] as const) : (['md5sum', 'coreutils', 'stoat'] as const);
    for (const side of order) {
      const measurement = await measure(side === 'stoat' ? stoat : side === 'md5sum' ? md5sum : coreutils, { cwd: root, env: environment, rssFile, timeoutMs: timeoutSeconds * 1000 });
      if (measurement.timedOut) {
        result.failure = `${side} hashing did not exit within ${timeoutSeconds} s; killed`;
        return result;
      }
      if (measurement.exitCode !== 0) {
        result.failure = `${side} hashing exited with code ${measurement.exitCode}: ${measurement.stderr.trim().slice(0, 500)}`;
        return result;
      }
      if (side === 'stoat') {
        const hashed = JSON.parse(measurement.stdout) as HashedFile[];
        const wrong = hashed.filter((file) => expected.get(file.path) !== file.sha256);
        if (hashed.length !== entries.length || wrong.length > 0) {
          result.failure = `stoat hash reported ${hashed.length} files (expected ${entries.length}), ${wrong.length} with a wrong sha256`;
          return result;
        }
      }
      result[side].wallMs.push(measurement.wallMs);
      result[side].peakRssBytes.push(measurement.peakRssBytes);
      log(`  hashing ${side} run ${run}: ${(measurement.wallMs / 1000).toFixed(2)} s`);
    }
  }
  return result;
}
