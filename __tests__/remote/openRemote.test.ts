import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { describe, test } from '@jest/globals';
import { UsageError } from '../../src/core/errors.js';
import { FileRemote } from '../../src/remote/fileRemote.js';
import { openRemote } from '../../src/remote/openRemote.js';

const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

async function refusal(url: string, s3: { endpoint?: string } = {}): Promise<string> {
  try {
    await openRemote(url, '/work/project', s3);
  } catch (error) {
    assert.ok(error instanceof UsageError, `expected a UsageError for ${url}, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`remote ${url} was accepted`);
}

describe('a mistyped remote is refused instead of becoming a folder', () => {
  const cases: [string, RegExp][] = [
    ['s3:/bucket/cache', /^remote "s3:\/bucket\/cache" was read as a URL of scheme "s3" without "\/\/": write s3:\/\/bucket\/cache \(or \.\/s3:\/bucket\/cache if you mean a directory of that name\)$/],
    ['s3:bucket', /write s3:\/\/bucket /],
    ['S3:bucket/prefix', /scheme "S3" without "\/\/": write s3:\/\/bucket\/prefix /],
    ['s3//bucket', /^remote "s3\/\/bucket" was read as a URL of scheme "s3" without its ":": write s3:\/\/bucket /],
    ['S3///bucket/x', /write s3:\/\/bucket\/x /],
    ['file:/srv/cache', /write file:\/\/\/srv\/cache /],
    ['file//srv/cache', /write file:\/\/\/srv\/cache /],
    ['gs:bucket', /stoat does not support "gs:\/\/": give s3:\/\/bucket\/prefix/],
    ['~/stoat-cache', new RegExp(`starts with "~", which stoat does not expand .*: write the full path, ${homedir()}/stoat-cache \\(or \\./~/stoat-cache`)],
    ['~', new RegExp(`write the full path, ${homedir()} `)],
    ['~runner/cache', /starts with "~".*: write the full path \(or/],
    ['gha://scope', /^remote "gha:\/\/scope": the GitHub Actions cache remote is written gha, with nothing after it$/],
    ['gha:', /^remote "gha:" was read as a URL of scheme "gha" without "\/\/": the GitHub Actions cache remote is written gha, with nothing after it \(or \.\/gha: if you mean a directory/],
    ['gha//x', /the GitHub Actions cache remote is written gha, with nothing after it/],
  ];
  for (const [url, message] of cases) {
    test(url, async () => {
      assert.match(await refusal(url), message);
    });
  }

  test('plain relative and absolute directories, and ./ before a mistake-like name, stay directories', async () => {
    const expected: [string, string][] = [
      ['cache', '/work/project/cache'],
      ['../shared/cache', '/work/shared/cache'],
      ['/srv/cache', '/srv/cache'],
      ['./s3:', '/work/project/s3:'],
      ['./gha', '/work/project/gha'],
      ['./~/cache', '/work/project/~/cache'],
      ['s3', '/work/project/s3'],
      ['s3/cache', '/work/project/s3/cache'],
      ['cache//nested', '/work/project/cache/nested'],
      ['a~b', '/work/project/a~b'],
      ['/srv/a:b', '/srv/a:b'],
    ];
    for (const [url, root] of expected) {
      const remote = await openRemote(url, '/work/project');
      assert.ok(remote instanceof FileRemote, url);
      assert.equal(remote.root, root, url);
    }
  });

  test('a secret in a mistyped URL is never echoed', async () => {
    for (const url of [`s3:/AKIAEXAMPLE:${secret}@bucket/x`, `s3//AKIAEXAMPLE:${secret}@bucket`]) {
      const message = await refusal(url);
      assert.match(message, /has credentials in it/);
      assert.ok(!message.includes('K7MDENG') && !message.includes('AKIAEXAMPLE'), message);
    }
  });
});

describe('credentials in the S3 endpoint are refused like credentials in the remote', () => {
  for (const endpoint of [`https://AKIAEXAMPLE:${secret}@minio.example.com`, 'https://token@minio.example.com:9000', `http://AKIAEXAMPLE:${secret}@127.0.0.1:9000/`]) {
    test(endpoint.replace(secret, 'SECRET'), async () => {
      const message = await refusal('s3://bucket/prefix', { endpoint });
      assert.match(message, /^the S3 endpoint "https?:\/\/\*\*\*@[^"]+" has credentials in it: remove them from the URL and give them as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
      assert.ok(!message.includes('K7MDENG') && !message.includes('AKIAEXAMPLE') && !message.includes('token'), message);
    });
  }

  test('an endpoint without credentials is accepted', async () => {
    const remote = await openRemote('s3://bucket/prefix', '/work', { endpoint: 'http://127.0.0.1:9000' });
    assert.equal(remote.display, 's3://bucket/prefix');
  });
});
