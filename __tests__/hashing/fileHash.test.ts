import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { sha256Hex } from '../../src/core/fileDigests.js';
import { hashFile, sha256File } from '../../src/hashing/fileHash.js';
import { withTemporaryDirectory } from '../core/temporaryDirectory.js';

/** The digest printed by a coreutils tool (`md5sum`, `sha1sum`, `sha256sum`) for one file. */
function coreutilsDigest(tool: string, path: string): string {
  return execFileSync(tool, [path], { encoding: 'utf8' }).split(' ')[0]!;
}

/** Bytes that differ at every offset within a chunk and from chunk to chunk, so a lost or repeated chunk changes the digest. */
function deterministicPattern(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index++) bytes[index] = (index * 31 + (index >>> 13)) & 0xff;
  return bytes;
}

describe('hashFile', () => {
  test('an empty file', async () => {
    await withTemporaryDirectory(async (directory) => {
      const path = join(directory, 'empty');
      await writeFile(path, '');
      // printf '' | md5sum; printf '' | sha1sum; printf '' | sha256sum
      assert.deepEqual(await hashFile(path), {
        size: 0,
        md5: 'd41d8cd98f00b204e9800998ecf8427e',
        sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
        sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      });
    });
  });

  test('an ASCII file', async () => {
    await withTemporaryDirectory(async (directory) => {
      const path = join(directory, 'fox.txt');
      await writeFile(path, 'The quick brown fox jumps over the lazy dog');
      // printf '%s' 'The quick brown fox jumps over the lazy dog' | md5sum (and sha1sum, sha256sum)
      assert.deepEqual(await hashFile(path), {
        size: 43,
        md5: '9e107d9d372bb6826bd81d3542a419d6',
        sha1: '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12',
        sha256: 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592',
      });
    });
  });

  test('a UTF-8 file is hashed as its bytes', async () => {
    await withTemporaryDirectory(async (directory) => {
      const path = join(directory, 'unicode.txt');
      await writeFile(path, 'héllo 😀\n', 'utf8');
      // printf 'héllo 😀\n' | md5sum (and sha1sum, sha256sum); wc -c gives 12
      assert.deepEqual(await hashFile(path), {
        size: 12,
        md5: '6e3268e5bb2a8bc178f11f8938fb3060',
        sha1: '9f281648466644de5df89747c2391e774aa113aa',
        sha256: '37c1ef0f903b8920ad1d94e9ed2dd2ecb7e75d4f710b083126fedfc288fefbdf',
      });
    });
  });

  test('a file of several chunks matches coreutils', async () => {
    await withTemporaryDirectory(async (directory) => {
      const path = join(directory, 'large.bin');
      // 3 MiB and 7 bytes: three whole 1 MiB chunks and a short last one.
      const length = 3 * 1024 * 1024 + 7;
      await writeFile(path, deterministicPattern(length));
      const digests = await hashFile(path);
      assert.equal(digests.size, length);
      assert.equal(digests.md5, coreutilsDigest('md5sum', path));
      assert.equal(digests.sha1, coreutilsDigest('sha1sum', path));
      assert.equal(digests.sha256, coreutilsDigest('sha256sum', path));
    });
  });

  test('a missing file is an error', async () => {
    await withTemporaryDirectory(async (directory) => {
      await assert.rejects(hashFile(join(directory, 'absent')), /ENOENT/);
    });
  });
});

describe('sha256File', () => {
  test('gives the same size and sha256 as hashFile', async () => {
    await withTemporaryDirectory(async (directory) => {
      const path = join(directory, 'large.bin');
      await writeFile(path, deterministicPattern(2 * 1024 * 1024 + 1));
      const { size, sha256 } = await hashFile(path);
      assert.deepEqual(await sha256File(path), { size, sha256 });
      assert.equal(sha256, coreutilsDigest('sha256sum', path));
    });
  });

  test('an empty file', async () => {
    await withTemporaryDirectory(async (directory) => {
      const path = join(directory, 'empty');
      await writeFile(path, '');
      // printf '' | sha256sum
      assert.deepEqual(await sha256File(path), { size: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
    });
  });
});

describe('sha256Hex', () => {
  test('hashes a string as UTF-8', () => {
    // printf 'héllo 😀\n' | sha256sum
    assert.equal(sha256Hex('héllo 😀\n'), '37c1ef0f903b8920ad1d94e9ed2dd2ecb7e75d4f710b083126fedfc288fefbdf');
  });

  test('hashes bytes', () => {
    // printf '' | sha256sum
    assert.equal(sha256Hex(new Uint8Array()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
