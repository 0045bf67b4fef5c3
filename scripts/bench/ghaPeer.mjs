// The peer of the gha part of the bench: the actions/cache method, @actions/cache's own saveCache and
// restoreCache of one directory (tar + zstd into one entry), run as actions/cache runs them.
//   node scripts/bench/ghaPeer.mjs save|restore KEY PATH
// Run in the directory that holds PATH, with GITHUB_WORKSPACE the same. @actions/cache writes its
// log to standard output; the last line is this script's answer: `peer-result {"value":…,"callMs":…}`.
import { restoreCache, saveCache } from '@actions/cache';

const [operation, key, path] = process.argv.slice(2);
const started = performance.now();
const value = operation === 'save' ? await saveCache([path], key) : ((await restoreCache([path], key)) ?? null);
const callMs = performance.now() - started;
process.stdout.write(`\npeer-result ${JSON.stringify({ value, callMs })}\n`);
