import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, test } from '@jest/globals';
import { planExplicitScope } from '../../src/core/scope.js';
import { executeStep } from '../../src/engine/executeStep.js';
import { restoreOnly } from '../../src/engine/restoreOnly.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { openRemote } from '../../src/remote/openRemote.js';

/**
 * A 2 MiB tmpfs to restore onto, mounted while the file loads so that tests can be skipped where
 * it cannot be (not root, no tmpfs).
 */
const root = mkdtempSync(join(tmpdir(), 'stoat-disk-full-'));
const tiny = join(root, 'tiny');
mkdirSync(tiny);
const mounted = mountTiny();
const onTinyDisk = mounted ? test : test.skip;

function mountTiny(): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', tiny], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  if (mounted) execFileSync('umount', [tiny]);
  await rm(root, { recursive: true, force: true });
});

/** Saves a step whose output is one file of `megabytes` from a roomy workspace, then restores it onto a full disk. */
async function restoreOntoFullDisk(megabytes: number, name: string) {
  const definition = (workingDirectory: string): StepDefinition => ({
    workingDirectory,
    command: [`mkdir -p out && head -c ${megabytes}M /dev/urandom > out/data.bin`],
    deps: [],
    outputs: ['out'],
    env: [],
    keyExtra: name,
  });
  const remote = await openRemote(join(root, `remote-${name}`), root);
  const context = { remote, scope: planExplicitScope('local', 'tests'), concurrency: 4, failOnCacheError: true, environment: process.env };
  const roomy = join(root, `roomy-${name}`);
  await mkdir(roomy);
  const saved = await executeStep(definition(roomy), context, 'auto');
  assert.equal(saved.outputs[0]!.status, 'saved');
  const full = join(tiny, name);
  await mkdir(full);
  // fail-on-cache-error is set: a remote failure would throw; a full disk is no remote failure.
  const report = await restoreOnly(definition(full), context);
  return { report, full };
}

describe('a full disk while restoring is this machine\'s problem, said as such', () => {
  for (const [megabytes, how] of [
    [3, 'streamed and hashed'],
    [70, 'in ranged parts'],
  ] as const) {
    onTinyDisk(`a ${megabytes} MiB file (${how}): a miss naming the disk, not a remote error, and nothing left behind`, async () => {
      const { report, full } = await restoreOntoFullDisk(megabytes, `case-${megabytes}`);
      assert.equal(report.status, 'miss', report.reason);
      assert.match(report.reason, /this machine's disk/);
      assert.match(report.reason, /ENOSPC|no space left/i);
      assert.ok(report.warnings.some((warning) => /this machine's disk/.test(warning)), report.warnings.join('\n'));
      assert.deepEqual([...(await readdir(full))], [], 'no staging folder or partial output is left');
    });
  }
});
