import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { CacheFailure } from '../../../src/core/errors.js';
import { planExplicitScope, type ScopePlan } from '../../../src/core/scope.js';
import { executeStep } from '../../../src/engine/executeStep.js';
import { saveOnly } from '../../../src/engine/saveOnly.js';
import { type StepContext } from '../../../src/engine/stepContext.js';
import { type StepDefinition } from '../../../src/engine/stepDefinition.js';
import { type Remote } from '../../../src/remote/remote.js';
import { withOutageBreaker } from '../../../src/remote/outageBreaker.js';
import { type ScopeGrant } from '../../helpers/fakeCacheService.js';
import { useActionsCache } from '../../helpers/useActionsCache.js';
import { describeTree, makeTemporaryDirectory, writeFiles } from '../../helpers/workspace.js';

let root: string;
let workspaceCount = 0;

beforeAll(async () => {
  root = await makeTemporaryDirectory('gha-store');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A workspace whose step writes 300 small files and one file large enough to be a blob of its own. */
async function newStep(): Promise<StepDefinition> {
  const workingDirectory = join(root, `workspace-${++workspaceCount}`);
  await writeFiles(workingDirectory, { 'input.txt': 'seed\n' });
  const script = 'mkdir -p out/small && for i in $(seq 1 300); do head -c $((1000 + i * 37)) /dev/urandom > out/small/$i.bin; done && head -c 20000000 /dev/urandom > out/large.bin';
  return { workingDirectory, command: [script], deps: ['input.txt'], outputs: ['out'], env: [], keyExtra: '' };
}

function context(remote: Remote, scope: ScopePlan, failOnCacheError = false): StepContext {
  return { remote: withOutageBreaker(remote), scope, concurrency: 8, failOnCacheError, environment: process.env };
}

const prScope = (number: number): ScopePlan => ({ write: `pr-${number}`, read: [`pr-${number}`, 'trusted'], fork: false, reason: `pull request ${number}` });
/** A pull request's cache token: it writes the merge ref's branch scope and reads the default branch's. */
const prToken = (number: number): ScopeGrant[] => [{ scope: `refs/pull/${number}/merge`, write: true }, { scope: 'refs/heads/main', write: false }];

describe('the store on the GitHub Actions cache', () => {
  const cache = useActionsCache();

  test('saves packs, a blob, a manifest and its index entry; restores byte for byte; saves nothing changed with one lookup', async () => {
    const definition = await newStep();
    const remote = cache.remote([{ scope: 'refs/heads/round-trip', write: true }]);
    const created = cache.fake().entries.length;
    const saved = await executeStep(definition, context(remote, planExplicitScope('local', 'tests')), 'auto');
    assert.equal(saved.outputs[0]!.status, 'saved', saved.save);
    const entries = cache.fake().entries.slice(created).map((entry) => entry.key.split('/')[2]);
    assert.deepEqual(entries.sort(), ['blobs', 'index', 'outputs', 'packs'], 'one pack for 300 small files, the blob, the manifest, the index entry');
    const produced = await describeTree(join(definition.workingDirectory, 'out'));
    await rm(join(definition.workingDirectory, 'out'), { recursive: true });

    const restored = await executeStep(definition, context(cache.remote([{ scope: 'refs/heads/round-trip', write: true }]), planExplicitScope('local', 'tests')), 'auto');
    assert.equal(restored.status, 'hit', restored.reason);
    assert.deepEqual(await describeTree(join(definition.workingDirectory, 'out')), produced);

    const lookups = cache.fake().calls.GetCacheEntryDownloadURL;
    const creates = cache.fake().calls.CreateCacheEntry;
    const again = await saveOnly(definition, context(cache.remote([{ scope: 'refs/heads/round-trip', write: true }]), planExplicitScope('local', 'tests')), { policy: 'always', runMs: null });
    assert.equal(again.outputs[0]!.status, 'already-saved');
    assert.equal(cache.fake().calls.GetCacheEntryDownloadURL - lookups, 1, 'a save of what is there costs one lookup');
    assert.equal(cache.fake().calls.CreateCacheEntry, creates);
  });

  test("trust scopes on top of GitHub's branch scopes: a pull request reads trusted, never another pull request's", async () => {
    const definition = await newStep();
    const pr7 = await executeStep(definition, context(cache.remote(prToken(7)), prScope(7)), 'auto');
    assert.equal(pr7.outputs[0]!.status, 'saved');
    await rm(join(definition.workingDirectory, 'out'), { recursive: true });
    const pr8 = await executeStep(definition, context(cache.remote(prToken(8)), prScope(8)), 'auto');
    assert.equal(pr8.status, 'miss', 'pull request 8 never sees what pull request 7 saved');
    await rm(join(definition.workingDirectory, 'out'), { recursive: true });
    const trusted = await executeStep(definition, context(cache.remote([{ scope: 'refs/heads/main', write: true }]), planExplicitScope('trusted', 'push to main')), 'auto');
    assert.equal(trusted.status, 'miss', 'a trusted run never reads a pull request scope');
    await rm(join(definition.workingDirectory, 'out'), { recursive: true });
    const lookups = cache.fake().calls.GetCacheEntryDownloadURL;
    const pr9 = await executeStep(definition, context(cache.remote(prToken(9)), prScope(9)), 'auto');
    assert.equal(pr9.status, 'hit', pr9.reason);
    assert.equal(pr9.restored_scope, 'trusted');
    assert.ok(cache.fake().calls.GetCacheEntryDownloadURL - lookups <= 1 + 4, 'one lookup for the result, and one download per entry');
  });

  test('an evicted pack is a miss naming it; the next save uploads it again and the step restores', async () => {
    const definition = await newStep();
    const token = [{ scope: 'refs/heads/eviction', write: true }];
    await executeStep(definition, context(cache.remote(token), planExplicitScope('local', 'tests')), 'auto');
    const pack = cache.fake().entries.find((entry) => entry.scope === 'refs/heads/eviction' && entry.key.includes('/packs/'))!;
    await cache.fake().evict(pack.key);
    await rm(join(definition.workingDirectory, 'out'), { recursive: true });
    const missed = await executeStep(definition, context(cache.remote(token), planExplicitScope('local', 'tests')), 'auto');
    assert.equal(missed.status, 'miss');
    assert.match(missed.reason, /could not be restored: object stoat\/v1\/packs\/.* is missing/);
    assert.equal(missed.ran, true);
    assert.ok(cache.fake().entries.some((entry) => entry.key.includes('/packs/') && entry.scope === 'refs/heads/eviction'), 'the save wrote the pack again');
    await rm(join(definition.workingDirectory, 'out'), { recursive: true });
    const restored = await executeStep(definition, context(cache.remote(token), planExplicitScope('local', 'tests')), 'auto');
    assert.equal(restored.status, 'hit', restored.reason);
  });

  test('a save after a small change never points into an evicted pack: it packs the unchanged files again', async () => {
    const workingDirectory = join(root, `workspace-${++workspaceCount}`);
    const seed: Record<string, Buffer> = {};
    for (let index = 0; index < 200; index++) seed[`seed/${index}.bin`] = randomBytes(2000 + index);
    await writeFiles(workingDirectory, seed);
    const definition: StepDefinition = { workingDirectory, command: ['rm -rf out && cp -r seed out'], deps: ['seed'], outputs: ['out'], env: [], keyExtra: '' };
    const token = [{ scope: 'refs/heads/fresh-packs', write: true }];
    const first = await executeStep(definition, context(cache.remote(token), planExplicitScope('local', 'tests')), 'auto');
    assert.equal(first.outputs[0]!.status, 'saved', first.save);
    const packs = (): string[] => cache.fake().entries.filter((entry) => entry.scope === 'refs/heads/fresh-packs' && entry.key.includes('/packs/')).map((entry) => entry.key);
    const [evicted] = packs();
    await cache.fake().evict(evicted!);

    await writeFiles(workingDirectory, { 'seed/0.bin': randomBytes(2000) });
    const second = await executeStep(definition, context(cache.remote(token), planExplicitScope('local', 'tests')), 'auto');
    assert.equal(second.outputs[0]!.status, 'saved', second.save);
    assert.equal(packs().length, 1, 'a new pack holds every file, the 199 unchanged ones too');
    const expected = await describeTree(join(workingDirectory, 'out'));
    await rm(join(workingDirectory, 'out'), { recursive: true });
    const restored = await executeStep(definition, context(cache.remote(token), planExplicitScope('local', 'tests')), 'auto');
    assert.equal(restored.status, 'hit', restored.reason);
    assert.deepEqual(await describeTree(join(workingDirectory, 'out')), expected);
  });

  test('a read-only token restores, and its refused save is a warning (a failure under fail-on-cache-error) that stops nothing else', async () => {
    const definition = await newStep();
    const readOnly: ScopeGrant[] = [{ scope: 'refs/heads/main', write: false }];
    const remote = withOutageBreaker(cache.remote(readOnly));
    const steps = { ...context(remote, planExplicitScope('trusted', 'pull_request_target')), remote };
    const refused = await executeStep({ ...definition, keyExtra: 'read-only' }, steps, 'auto');
    assert.equal(refused.status, 'error');
    assert.match(refused.save, /^failed: the GitHub Actions cache refused saving .*may only read/);
    assert.ok(refused.warnings.some((warning) => /may only read/.test(warning)));
    // Refusals are answers: the breaker did not stop asking, so a later step still looks up.
    const second = await executeStep({ ...definition, keyExtra: 'another step' }, steps, 'auto');
    assert.equal(second.status, 'error');
    assert.doesNotMatch(second.reason, /stopped asking/);
    await assert.rejects(executeStep({ ...definition, keyExtra: 'strict' }, { ...steps, failOnCacheError: true }, 'auto'), (error: Error) => error instanceof CacheFailure && /may only read/.test(error.message));
  });

  test('an archive that does not unpack is a miss naming the damaged object', async () => {
    const definition = await newStep();
    const token = [{ scope: 'refs/heads/damage', write: true }];
    await executeStep(definition, context(cache.remote(token), planExplicitScope('local', 'tests')), 'auto');
    const blob = cache.fake().entries.find((entry) => entry.scope === 'refs/heads/damage' && entry.key.includes('/blobs/'))!;
    await cache.fake().overwriteArchive(blob.key, randomBytes(5000));
    await rm(join(definition.workingDirectory, 'out'), { recursive: true });
    const missed = await executeStep(definition, context(cache.remote(token), planExplicitScope('local', 'tests')), 'auto');
    assert.equal(missed.status, 'miss', missed.reason);
    assert.match(missed.reason, /could not be restored: the GitHub Actions cache entry stoat\/v1\/blobs\/[0-9a-f]{64} cannot be unpacked/);
    assert.deepEqual(missed.damaged_objects, [`stoat/v1/blobs/${blob.key.split('/')[3]!.slice(0, 2)}/${blob.key.split('/')[3]}`]);
    assert.equal(missed.ran, true);
  });
});
