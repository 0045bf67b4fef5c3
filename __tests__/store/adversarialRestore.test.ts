import assert from 'node:assert/strict';
import { link, lstat, mkdir, open, readFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { blobKey, manifestKey } from '../../src/store/layout.js';
import { rangedDownloadThreshold } from '../../src/store/transferPlan.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import {
  assertRefused,
  blobEntry,
  type HostileCase,
  manifestFor,
  openCase,
  plantBlob,
  plantBlobManifest,
  plantManifest,
  plantObject,
  plantPack,
  restoreWatched,
  scope,
  sha256Of,
} from './hostileRemote.js';

let root: string;
beforeAll(async () => {
  root = await makeTemporaryDirectory('adversarial');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const hostileBytes = 'bytes an attacker wants on disk\n';

/** Paths no manifest may name, each with what the refusal must say. */
const refusedPaths: [label: string, path: string | ((hostile: HostileCase) => string), problem: RegExp][] = [
  ['an absolute path', '/etc/x', /file path "\/etc\/x" is absolute/],
  ['a path starting with //', '//x', /file path "\/\/x" is absolute/],
  ['an absolute path into the sentinel folder', (hostile) => join(hostile.outside, 'planted'), /is absolute/],
  ['".." alone', '..', /file path "\.\." has a "\.\." segment/],
  ['"../x"', '../x', /has a "\.\." segment/],
  ['"a/../../x"', 'a/../../x', /has a "\.\." segment/],
  ['"a/.."', 'a/..', /has a "\.\." segment/],
  ['".." aimed at the sentinel folder', '../../outside/planted', /has a "\.\." segment/],
  ['"." alone', '.', /has a "\." segment/],
  ['"./a"', './a', /has a "\." segment/],
  ['"a/./b"', 'a/./b', /has a "\." segment/],
  ['an empty segment "a//b"', 'a//b', /has an empty segment/],
  ['a trailing slash "a/"', 'a/', /has an empty segment/],
  ['an empty path', '', /file path in the manifest is empty/],
  ['a backslash "..\\x"', '..\\x', /contains a backslash/],
  ['a backslash inside "a\\b"', 'a\\b', /contains a backslash/],
  ['a drive letter "C:x"', 'C:x', /starts with a drive letter/],
  ['a drive letter "c:/x"', 'c:/x', /starts with a drive letter/],
  ['a NUL "a\\u0000b"', 'a\u0000b', /file path "a\\\\u0000b" contains a NUL or control character/],
  ['a newline "a\\nb"', 'a\nb', /"a\\\\u000ab" contains a NUL or control character/],
  ['an escape sequence "\\u001b[31m"', '\u001b[31m', /"\\\\u001b\[31m" contains a NUL or control character/],
  ['a DEL character', 'a\u007fb', /contains a NUL or control character/],
  ['a path of 4097 bytes', `${'d/'.repeat(2048)}x`, /is longer than 4096 bytes/],
  ['a segment of 256 bytes', 'x'.repeat(256), /has a name longer than 255 bytes/],
  ['a segment of 128 characters but 256 bytes', 'é'.repeat(128), /has a name longer than 255 bytes/],
];

describe('paths a manifest may not name', () => {
  for (const [label, path, problem] of refusedPaths) {
    test(`${label} is a miss that writes nothing`, async () => {
      const hostile = await openCase(root);
      const name = typeof path === 'string' ? path : path(hostile);
      await plantBlobManifest(hostile, [{ path: 'honest.txt', content: 'an honest file\n' }, { path: name, content: hostileBytes }]);
      await assertRefused(hostile, problem);
    });
  }

  test('a path that is not a string is a miss', async () => {
    const hostile = await openCase(root);
    await plantBlobManifest(hostile, [{ path: 42, content: hostileBytes }]);
    await assertRefused(hostile, /a file path in the manifest is not a string/);
  });

  test(
    'a path within 4096 bytes that the file system cannot hold below the workspace is a miss, not a crash',
    async () => {
      const hostile = await openCase(root);
      const path = Array.from({ length: 21 }, () => 'd'.repeat(200)).join('/').slice(0, 4096);
      assert.equal(Buffer.byteLength(path), 4096, 'the path is exactly at the limit the manifest check allows');
      await plantBlobManifest(hostile, [{ path, content: hostileBytes }]);
      await assertRefused(hostile, /too long|ENAMETOOLONG|longer than/);
    },
  );
});

describe('paths that would land on one file', () => {
  const collisions: [label: string, paths: string[], problem: RegExp][] = [
    ['the same path twice', ['same.txt', 'same.txt'], /names file "same\.txt" twice/],
    ['NFC and NFD spellings of "é"', ['\u00e9.txt', 'e\u0301.txt'], /names file .* as both "\u00e9\.txt" and "e\u0301\.txt"/],
    ['"A.txt" and "a.txt"', ['A.txt', 'a.txt'], /names file "a\.txt" as both "A\.txt" and "a\.txt"/],
    ['"a" as a file and "a/b" below it', ['a', 'a/b'], /uses "a" as both a file and a directory/],
    ['"a/b" listed before the file "a"', ['a/b', 'a'], /uses "a" as both a file and a directory/],
    ['"A" as a file and "a/b" below it', ['A', 'a/b'], /uses "A" as both a file and a directory/],
  ];
  for (const [label, paths, problem] of collisions) {
    test(`${label} is a miss`, async () => {
      const hostile = await openCase(root);
      await plantBlobManifest(hostile, paths.map((path, index) => ({ path, content: `${hostileBytes}${index}` })));
      await assertRefused(hostile, problem);
    });
  }

  test('Latin "a" and Cyrillic "а" are different names: both are restored', async () => {
    const hostile = await openCase(root);
    const files = { 'a.txt': 'latin\n', '\u0430.txt': 'cyrillic\n' };
    await plantBlobManifest(hostile, Object.entries(files).map(([path, content]) => ({ path, content })));
    const { report } = await restoreWatched(hostile);
    assert.equal(report.status, 'hit', `look-alike names are distinct files: ${report.reason}`);
    for (const [path, content] of Object.entries(files)) {
      assert.equal(await readFile(join(hostile.workspace, 'model', path), 'utf8'), content, `${path} holds its own bytes`);
    }
  });
});

/** A manifest of one honest blob file, changed by `change`: each case lies about one thing. */
async function plantChanged(hostile: HostileCase, change: (manifest: Record<string, unknown>, file: Record<string, unknown>) => void): Promise<void> {
  await plantBlob(hostile, hostileBytes);
  const file = blobEntry('a.txt', hostileBytes);
  const manifest = manifestFor(hostile, [file]);
  change(manifest, file);
  await plantManifest(hostile, manifest);
}

describe('manifests that lie about themselves', () => {
  const lies: [label: string, change: (manifest: Record<string, unknown>, file: Record<string, unknown>) => void, problem: RegExp][] = [
    ['a tree hash that does not match its files', (manifest) => (manifest.tree = sha256Of('another tree')), /tree hash [0-9a-f]{64} does not match the files it lists/],
    ['format 2', (manifest) => (manifest.stoat = 2), /the manifest has format 2, expected 1/],
    ['format "1" as a string', (manifest) => (manifest.stoat = '1'), /the manifest has format "1", expected 1/],
    ['another output', (manifest) => (manifest.output = 'other'), /the manifest's output is "other", expected "model"/],
    ['another command key', (manifest) => (manifest.key = sha256Of('another key')), /the manifest's key is "[0-9a-f]{64}", expected "[0-9a-f]{64}"/],
    ['the trusted scope while stored in another', (manifest) => (manifest.scope = 'trusted'), /the manifest's scope is "trusted", expected "local"/],
    ['a kind that is neither dir nor file', (manifest) => (manifest.kind = 'symlink'), /kind "symlink" is neither "dir" nor "file"/],
    ['files that are not a list', (manifest) => (manifest.files = { 'a.txt': 1 }), /the manifest's files is not a list/],
    ['a blob named other than its sha256', (_, file) => (file.blob = sha256Of('other bytes')), /the blob of "a\.txt" is not named by its sha256/],
    ['a sha256 in upper case', (_, file) => (file.sha256 = (file.sha256 as string).toUpperCase()), /sha256 of "a\.txt" is not a sha256 in lowercase hex/],
    ['both a blob and a pack', (_, file) => Object.assign(file, { pack: file.blob, offset: 0 }), /must name exactly one of "blob" and "pack"/],
    ['mode 0o170000 (file type bits)', (_, file) => (file.mode = 0o170000), /the mode of "a\.txt" is not a permission mode/],
    ['mode 0o10000', (_, file) => (file.mode = 0o10000), /the mode of "a\.txt" is not a permission mode/],
    ['a negative mode', (_, file) => (file.mode = -1), /the mode of "a\.txt" is not a permission mode/],
  ];
  for (const [label, change, problem] of lies) {
    test(`${label} is a miss`, async () => {
      const hostile = await openCase(root);
      await plantChanged(hostile, change);
      await assertRefused(hostile, problem);
    });
  }

  test('a manifest stored under a name that is not its tree hash is a miss', async () => {
    const hostile = await openCase(root);
    await plantBlob(hostile, hostileBytes);
    await plantManifest(hostile, manifestFor(hostile, [blobEntry('a.txt', hostileBytes)]), sha256Of('another tree'));
    await assertRefused(hostile, /its name does not match its tree hash [0-9a-f]{64}/);
  });

  test('a kind "file" manifest with two files is a miss', async () => {
    const hostile = await openCase(root);
    await plantBlobManifest(hostile, [{ path: 'model', content: hostileBytes }, { path: 'second', content: 'second\n' }], { kind: 'file' });
    await assertRefused(hostile, /a file manifest must list exactly one file named "model"/);
  });

  for (const [label, text, problem] of [
    ['malformed JSON', '{"stoat": 1, "files": [', /the manifest is not valid JSON/],
    ['a JSON list', '[]', /the manifest is not a JSON object/],
    ['JSON null', 'null', /the manifest is not a JSON object/],
  ] as const) {
    test(`${label} is a miss`, async () => {
      const hostile = await openCase(root);
      await plantManifest(hostile, text);
      await assertRefused(hostile, problem);
    });
  }

  test('a manifest of 100 MB is refused, not read whole', async () => {
    const hostile = await openCase(root);
    // JSON-ish text that would take long to parse: it must be refused by its size first.
    const chunk = Buffer.from('{"path":"a.txt","size":1,"sha256":"0","mode":420},'.repeat(20_000));
    const key = manifestKey(hostile.output, hostile.prepared.key, scope, sha256Of('big'));
    await plantObject(hostile, key, '{"stoat":1,"files":[');
    const handle = await open(join(hostile.remoteRoot, key), 'a');
    try {
      for (let written = 0; written < 100 * 1024 * 1024; written += chunk.length) await handle.write(chunk);
    } finally {
      await handle.close();
    }
    await assertRefused(hostile, /is \d+ bytes, more than the 67108864 a manifest may have/);
    await rm(join(hostile.remoteRoot, key));
  });
});

describe('sizes and offsets that are not byte counts', () => {
  const values: [label: string, value: unknown][] = [
    ['negative', -1],
    ['not a whole number', 1.5],
    ['a string', '5'],
    ['past Number.MAX_SAFE_INTEGER', 2 ** 53 + 2],
  ];
  for (const [label, value] of values) {
    test(`a size that is ${label} is a miss`, async () => {
      const hostile = await openCase(root);
      await plantChanged(hostile, (_, file) => (file.size = value));
      await assertRefused(hostile, /the manifest's size of "a\.txt" is not a whole number ≥ 0/);
    });
    test(`an offset that is ${label} is a miss`, async () => {
      const hostile = await openCase(root);
      const pack = await plantPack(hostile, [hostileBytes]);
      const file = { ...blobEntry('a.txt', hostileBytes), blob: undefined, pack: pack.sha256, offset: value };
      await plantManifest(hostile, manifestFor(hostile, [file]));
      await assertRefused(hostile, /the manifest's offset of "a\.txt" is not a whole number ≥ 0/);
    });
  }

  test(
    'an offset whose end is past Number.MAX_SAFE_INTEGER is a miss, not a remote error',
    async () => {
      const hostile = await openCase(root);
      const pack = await plantPack(hostile, [hostileBytes]);
      const file = { ...blobEntry('a.txt', hostileBytes), blob: undefined, pack: pack.sha256, offset: Number.MAX_SAFE_INTEGER - 2 };
      await plantManifest(hostile, manifestFor(hostile, [file]));
      await assertRefused(hostile, /offset|past the end|holds \d+ bytes/);
    },
  );

  // The pack is 13 + 32 bytes: a member of 32 bytes at 20 runs 7 bytes past its end.
  for (const [label, offset] of [['runs past the end of its pack', 20], ['starts past the end of its pack', 1000]] as const) {
    test(`a pack member that ${label} is a miss naming the pack`, async () => {
      const hostile = await openCase(root);
      const pack = await plantPack(hostile, ['first member\n', hostileBytes]);
      const file = { ...blobEntry('a.txt', hostileBytes), blob: undefined, pack: pack.sha256, offset };
      await plantManifest(hostile, manifestFor(hostile, [file]));
      await assertRefused(hostile, new RegExp(`packs/[0-9a-f]{2}/${pack.sha256} holds \\d+ bytes where the manifest gives ${Buffer.byteLength(hostileBytes)} for "a\\.txt"`));
    });
  }

  test('a blob that holds more bytes than the size given is a miss naming the blob', async () => {
    const hostile = await openCase(root);
    const file = blobEntry('a.txt', 'short\n');
    // Stored under the short content's name, with bytes past the declared end.
    await plantObject(hostile, `stoat/v1/blobs/${(file.blob as string).slice(0, 2)}/${file.blob as string}`, `short\n${hostileBytes}`);
    await plantManifest(hostile, manifestFor(hostile, [file]));
    await assertRefused(hostile, new RegExp(`blobs/[0-9a-f]{2}/${file.blob as string} holds more bytes than the 6 the manifest gives for "a\\.txt"`));
  });

  // Past the ranged-download threshold the blob is fetched in parallel parts: the last one comes up short.
  test('a large blob shorter than the size given is a miss naming the blob, with nothing of it left', async () => {
    const hostile = await openCase(root);
    const content = Buffer.alloc(rangedDownloadThreshold + 3 * 1024 * 1024 + 5, 7);
    const file = blobEntry('weights.bin', content);
    await plantObject(hostile, blobKey(file.blob as string), content.subarray(0, content.length - 1024 * 1024));
    await plantManifest(hostile, manifestFor(hostile, [file]));
    await assertRefused(hostile, new RegExp(`blobs/[0-9a-f]{2}/${file.blob as string} is shorter than the manifest says`));
  });
});

/** Asserts a hit whose files are regular files with these bytes, and no link left in the workspace. */
async function assertRestoredAsFiles(hostile: HostileCase, files: Record<string, string>): Promise<void> {
  const { report, after } = await restoreWatched(hostile);
  assert.equal(report.status, 'hit', `expected a hit: ${report.reason}`);
  for (const [path, content] of Object.entries(files)) {
    const status = await lstat(join(hostile.workspace, path));
    assert.ok(status.isFile(), `${path} is restored as a regular file, never a link`);
    assert.equal(await readFile(join(hostile.workspace, path), 'utf8'), content, `${path} holds the verified bytes`);
  }
  const strays = Object.entries(after.workspace).filter(([path, record]) => record.kind === 'other' || path.includes('.stoat-staging'));
  assert.deepEqual(strays, [], 'no link and no staging folder is left in the workspace');
}

describe('links', () => {
  test('a manifest cannot express a link: "type" and "link" fields restore a regular file', async () => {
    const hostile = await openCase(root);
    await plantBlob(hostile, hostileBytes);
    const file = { ...blobEntry('passwd', hostileBytes), type: 'symlink', link: '/etc/passwd', linkname: '../outside/secret.txt' };
    await plantManifest(hostile, manifestFor(hostile, [file]));
    await assertRestoredAsFiles(hostile, { 'model/passwd': hostileBytes });
  });

  test("the output's parent is a link out of the workspace: a miss, nothing written through it", async () => {
    const hostile = await openCase(root, { output: 'out/model', plantWorkspace: async (partial) => symlink('../outside', join(partial.workspace, 'out')) });
    await plantBlobManifest(hostile, [{ path: 'a.txt', content: hostileBytes }]);
    await assertRefused(hostile, /output "out\/model" would be written through a symbolic link to .*outside, outside the working directory/);
  });

  for (const [label, target] of [
    ['a dangling link', '../nowhere'],
    ['a link to itself', 'out'],
  ] as const) {
    test(`the output's parent is ${label}: a miss, not a crash`, async () => {
      const hostile = await openCase(root, { output: 'out/model', plantWorkspace: async (partial) => symlink(target, join(partial.workspace, 'out')) });
      await plantBlobManifest(hostile, [{ path: 'a.txt', content: hostileBytes }]);
      await assertRefused(hostile, /out.*(symbolic link|link)/);
    });
  }

  // Staging then renaming replaces a link instead of writing through it, so these restores are
  // safe hits: the test holds them to "the sentinel folder is untouched and no link is left".
  test('the output itself is a link out of the workspace: it is replaced, never written through', async () => {
    const hostile = await openCase(root, { plantWorkspace: async (partial) => symlink('../outside', join(partial.workspace, 'model')) });
    await plantBlobManifest(hostile, [{ path: 'secret.txt', content: hostileBytes }]);
    await assertRestoredAsFiles(hostile, { 'model/secret.txt': hostileBytes });
    assert.ok((await lstat(join(hostile.workspace, 'model'))).isDirectory(), 'the link was replaced by a real directory');
  });

  test('bytes that are right but reached through a link out of the workspace are copied from the remote, never linked', async () => {
    const hostile = await openCase(root, { plantWorkspace: async (partial) => symlink('../outside', join(partial.workspace, 'model')) });
    // The sentinel file already holds the bytes the manifest wants: reusing it would hard-link it in.
    const content = await readFile(join(hostile.outside, 'secret.txt'), 'utf8');
    await plantBlobManifest(hostile, [{ path: 'secret.txt', content }]);
    await assertRestoredAsFiles(hostile, { 'model/secret.txt': content });
    const restored = await lstat(join(hostile.workspace, 'model', 'secret.txt'));
    const sentinel = await lstat(join(hostile.outside, 'secret.txt'));
    assert.notEqual(restored.ino, sentinel.ino, 'the restored file is not the file outside the workspace');
    assert.equal(sentinel.nlink, 1, 'no new name for the file outside was made');
  });

  test('a link inside the existing output is replaced, and a file below it is not written through it', async () => {
    const hostile = await openCase(root, {
      plantWorkspace: async (partial) => {
        await mkdir(join(partial.workspace, 'model'), { recursive: true });
        await symlink(join(partial.outside, 'dir'), join(partial.workspace, 'model', 'link'));
      },
    });
    await plantBlobManifest(hostile, [{ path: 'link/evil', content: hostileBytes }, { path: 'link/keep.txt', content: hostileBytes }]);
    await assertRestoredAsFiles(hostile, { 'model/link/evil': hostileBytes, 'model/link/keep.txt': hostileBytes });
    assert.ok((await lstat(join(hostile.workspace, 'model', 'link'))).isDirectory(), 'the link was replaced by a real directory');
  });

  test('a file output that is a link to a file outside is replaced, the file outside untouched', async () => {
    const hostile = await openCase(root, { output: 'metrics.json', plantWorkspace: async (partial) => symlink('../outside/secret.txt', join(partial.workspace, 'metrics.json')) });
    await plantBlobManifest(hostile, [{ path: 'metrics.json', content: hostileBytes }], { kind: 'file' });
    await assertRestoredAsFiles(hostile, { 'metrics.json': hostileBytes });
  });

  test('a hard link in the existing output to a file outside is replaced, never written into', async () => {
    const hostile = await openCase(root, {
      plantWorkspace: async (partial) => {
        await writeFiles(partial.workspace, { 'model/other.txt': 'other\n' });
        await link(join(partial.outside, 'secret.txt'), join(partial.workspace, 'model', 'secret.txt'));
      },
    });
    await plantBlobManifest(hostile, [{ path: 'secret.txt', content: hostileBytes }]);
    await assertRestoredAsFiles(hostile, { 'model/secret.txt': hostileBytes });
  });
});
