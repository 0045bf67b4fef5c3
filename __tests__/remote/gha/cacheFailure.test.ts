import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { RemoteError, RemoteRefusedError } from '../../../src/core/errors.js';
import { failedRestore, failedSave, failedUnpacking } from '../../../src/remote/gha/cacheFailure.js';

/**
 * What @actions/cache 6.3 writes in the cases the fake service cannot make happen (an upload to the
 * blob store that fails, a finalize refused), as its code writes them: the classification must
 * still name them, and never show a masked value.
 */
describe('reading why @actions/cache failed', () => {
  const entry = 'stoat/v1/packs/ab/abc';

  test('a failed upload is an error quoting the reason, with the URL signature masked', () => {
    const output = [
      '::add-mask::s3cr3t-signature',
      '::debug::Attempting to upload cache located at: /tmp/x/cache.tzst',
      '::warning::uploadCacheArchiveSDK: internal error uploading cache archive: connect ECONNRESET https://account.blob.core.windows.net/c/b?sig=s3cr3t-signature',
      '::warning::Failed to save: connect ECONNRESET https://account.blob.core.windows.net/c/b?sig=s3cr3t-signature',
    ].join('\n');
    const error = failedSave(output, 'gha', entry);
    assert.ok(error instanceof RemoteError && !(error instanceof RemoteRefusedError));
    assert.match(error.message, /^the GitHub Actions cache failed while saving stoat\/v1\/packs\/ab\/abc: internal error uploading cache archive: connect ECONNRESET .*sig=\*\*\*$/);
    assert.doesNotMatch(error.message, /s3cr3t/);
  });

  test('a finalize the service refused is an error with its message; a save with no reason at all says so', () => {
    assert.match((failedSave('::warning::the upload is 10 bytes, not 12', 'gha', entry) as Error).message, /failed while saving .*: the upload is 10 bytes, not 12/);
    assert.match((failedSave('Cache saved successfully?', 'gha', entry) as Error).message, /did not save stoat\/v1\/packs\/ab\/abc, and @actions\/cache gave no reason/);
  });

  test('escapes of workflow commands are undone; a multi-line reason is cut at its first line', () => {
    const output = '::warning::Failed to restore: Unable to make request: ENOTFOUND%0AIf you are using self-hosted runners, please make sure';
    assert.match(failedRestore(output, 'gha', entry)!.message, /cannot be reached \(ENOTFOUND\)/);
  });

  test('a miss is no failure, and only an archive tar refuses is damage', () => {
    assert.equal(failedRestore('::debug::Cache not found for version abc of keys: k', 'gha', entry), undefined);
    assert.equal(failedUnpacking('::warning::Failed to restore: "/usr/bin/tar" failed with error: The process \'/usr/bin/tar\' failed with exit code 2'), '"/usr/bin/tar" failed with error: The process \'/usr/bin/tar\' failed with exit code 2');
    assert.equal(failedUnpacking('::warning::Failed to restore: Rate limited: Failed request: (429) Too Many Requests'), undefined);
  });
});
