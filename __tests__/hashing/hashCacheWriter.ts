// A process that hashes files through a shared hash cache folder in rounds, writing down what it
// learned after each, with merging made frequent: the concurrency test starts several at once.
//   node --import tsx hashCacheWriter.ts CACHE_FOLDER FILE_LIST_JSON ROUNDS
import { readFileSync } from 'node:fs';
import { HashCache } from '../../src/hashing/hashCache.js';
import { sha256OfFilesCached } from '../../src/hashing/cachedHashing.js';
import { closeHashPool } from '../../src/hashing/hashPool.js';

const [folder, list, rounds] = process.argv.slice(2) as [string, string, string];
const paths = JSON.parse(readFileSync(list, 'utf8')) as string[];
const perRound = Math.ceil(paths.length / Number(rounds));
for (let round = 0; round < Number(rounds); round++) {
  const cache = new HashCache(folder, { journalsBeforeMerge: 2 });
  // What earlier rounds and other processes wrote is read too, and what this one learns is written.
  await sha256OfFilesCached(paths.slice(0, (round + 1) * perRound), cache);
  cache.flush();
}
await closeHashPool();
