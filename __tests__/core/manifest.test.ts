import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { IntegrityError } from '../../src/core/errors.js';
import { isSha256, parseManifest, type Manifest, type ManifestExpectation } from '../../src/core/manifest.js';
import { treeHash } from '../../src/core/treeHash.js';

const emptySha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const foxSha256 = 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592';
const packSha256 = '37c1ef0f903b8920ad1d94e9ed2dd2ecb7e75d4f710b083126fedfc288fefbdf';
const key = '4cf0af640383f4e79a44f47e820d77afaa231e50913084682755d8375d242378';

const expectation: ManifestExpectation = { output: 'training/model-best', key, scope: 'trusted' };

function directoryManifest(): Manifest {
  const files: Manifest['files'] = [
    { path: 'config.cfg', size: 43, sha256: foxSha256, mode: 0o644, blob: foxSha256 },
    { path: 'weights/a.bin', size: 0, sha256: emptySha256, mode: 0o755, pack: packSha256, offset: 4096 },
    { path: 'weights/é.bin', size: 12, sha256: packSha256, mode: 0o600, pack: packSha256, offset: 0 },
  ];
  return {
    stoat: 1,
    output: 'training/model-best',
    kind: 'dir',
    key,
    scope: 'trusted',
    tree: treeHash(files),
    files,
    inputs: [{ path: 'corpus/train.jsonl', size: 123, sha256: foxSha256 }],
    command: ['python train.py', 'echo done'],
    env: ['SEED'],
    extra: 'gpu',
    provenance: {
      commit: '0123456789abcdef0123456789abcdef01234567',
      dirty: false,
      ref: 'refs/heads/main',
      event: 'push',
      run: '42',
      workflow: 'train',
      repository: 'octo/pipeline',
      pull_request: null,
      created: '2026-11-22T10:00:00Z',
      duration_ms: 73012,
    },
  };
}

function fileManifest(): Manifest {
  const files: Manifest['files'] = [{ path: 'model.bin', size: 43, sha256: foxSha256, mode: 0o644, blob: foxSha256 }];
  return { ...directoryManifest(), output: 'training/model.bin', kind: 'file', files, tree: treeHash(files) };
}

/** A valid manifest changed by `change`, as the JSON text a remote would hold. */
function changedText(change: (manifest: Record<string, unknown> & { files: Record<string, unknown>[] }) => void, base: Manifest = directoryManifest()): string {
  const copy = structuredClone(base) as unknown as Record<string, unknown> & { files: Record<string, unknown>[] };
  change(copy);
  return JSON.stringify(copy);
}

function assertRejected(text: string, message: RegExp, expected: ManifestExpectation = expectation): void {
  assert.throws(() => parseManifest(text, expected), (error: Error) => error instanceof IntegrityError && message.test(error.message), message.source);
}

describe('parseManifest accepts', () => {
  test('a directory manifest built from treeHash, unchanged', () => {
    const manifest = directoryManifest();
    assert.deepEqual(parseManifest(JSON.stringify(manifest), expectation), manifest);
  });

  test('a file manifest whose one file has the output\'s base name', () => {
    const manifest = fileManifest();
    assert.deepEqual(parseManifest(JSON.stringify(manifest), { ...expectation, output: 'training/model.bin' }), manifest);
  });

  test('a manifest without the optional fields, filled with defaults', () => {
    const text = changedText((manifest) => {
      delete manifest.inputs;
      delete manifest.command;
      delete manifest.env;
      delete manifest.extra;
      manifest.provenance = { created: '2026-11-22T10:00:00Z' };
    });
    const parsed = parseManifest(text, expectation);
    assert.deepEqual([parsed.inputs, parsed.command, parsed.env, parsed.extra], [[], [], [], '']);
    assert.deepEqual(parsed.provenance, { commit: null, dirty: null, ref: null, event: null, run: null, workflow: null, repository: null, pull_request: null, created: '2026-11-22T10:00:00Z', duration_ms: null });
  });
});

describe('parseManifest refuses', () => {
  test('malformed JSON', () => {
    assertRejected('{"stoat": 1,', /not valid JSON/);
    assertRejected('', /not valid JSON/);
  });

  test('JSON that is not an object', () => {
    for (const text of ['[]', 'null', '1', '"manifest"']) assertRejected(text, /the manifest is not a JSON object/);
  });

  test('another format version', () => {
    assertRejected(changedText((manifest) => (manifest.stoat = 2)), /format 2, expected 1/);
    assertRejected(changedText((manifest) => (manifest.stoat = '1')), /format "1", expected 1/);
    assertRejected(changedText((manifest) => delete manifest.stoat), /format undefined, expected 1/);
  });

  test('a different output, key or scope than expected', () => {
    assertRejected(JSON.stringify(directoryManifest()), /output is "training\/model-best", expected "training\/model"/, { ...expectation, output: 'training/model' });
    assertRejected(JSON.stringify(directoryManifest()), new RegExp(`key is "${key}", expected "${emptySha256}"`), { ...expectation, key: emptySha256 });
    assertRejected(JSON.stringify(directoryManifest()), /scope is "trusted", expected "pr-7"/, { ...expectation, scope: 'pr-7' });
  });

  test('an unknown kind', () => {
    assertRejected(changedText((manifest) => (manifest.kind = 'link')), /kind "link" is neither "dir" nor "file"/);
  });

  test('a tree hash that does not match the files', () => {
    assertRejected(changedText((manifest) => (manifest.tree = emptySha256)), /tree hash e3b0c442\S+ does not match the files/);
    // A consistent change to one file (sha256 and blob together) passes every per-file check.
    assertRejected(
      changedText((manifest) => {
        manifest.files[0]!.sha256 = emptySha256;
        manifest.files[0]!.blob = emptySha256;
      }),
      /tree hash [0-9a-f]{64} does not match the files/,
    );
    assertRejected(changedText((manifest) => (manifest.files[1]!.mode = 0o644)), /does not match the files/);
    assertRejected(changedText((manifest) => manifest.files.pop()), /does not match the files/);
  });

  test('a tree that is not a sha256', () => {
    assertRejected(changedText((manifest) => (manifest.tree = 'abc')), /tree is not a sha256/);
  });

  test('sizes that are negative, fractional or strings', () => {
    for (const size of [-1, 1.5, '43', null]) {
      assertRejected(changedText((manifest) => (manifest.files[0]!.size = size)), /size of "config\.cfg" is not a whole number/);
    }
    assertRejected(changedText((manifest) => delete manifest.files[0]!.size), /size of "config\.cfg" is not a whole number/);
  });

  test('a bad offset', () => {
    assertRejected(changedText((manifest) => (manifest.files[1]!.offset = -4096)), /offset of "weights\/a\.bin" is not a whole number/);
    assertRejected(changedText((manifest) => delete manifest.files[1]!.offset), /offset of "weights\/a\.bin" is not a whole number/);
  });

  test('a sha256 in uppercase or too short', () => {
    assertRejected(changedText((manifest) => (manifest.files[0]!.sha256 = foxSha256.toUpperCase())), /sha256 of "config\.cfg" is not a sha256 in lowercase hex/);
    assertRejected(changedText((manifest) => (manifest.files[0]!.sha256 = foxSha256.slice(0, 63))), /sha256 of "config\.cfg" is not a sha256/);
    assertRejected(changedText((manifest) => (manifest.files[1]!.pack = packSha256.toUpperCase())), /pack of "weights\/a\.bin" is not a sha256/);
  });

  test('a blob not named by the file\'s sha256', () => {
    assertRejected(changedText((manifest) => (manifest.files[0]!.blob = emptySha256)), /the blob of "config\.cfg" is not named by its sha256/);
    assertRejected(changedText((manifest) => (manifest.files[0]!.blob = foxSha256.toUpperCase())), /blob of "config\.cfg" is not a sha256/);
  });

  test('both or neither of blob and pack', () => {
    assertRejected(changedText((manifest) => (manifest.files[0]!.pack = packSha256)), /"config\.cfg" must name exactly one of "blob" and "pack"/);
    assertRejected(changedText((manifest) => delete manifest.files[0]!.blob), /"config\.cfg" must name exactly one of "blob" and "pack"/);
  });

  test('a mode that is not a permission mode', () => {
    for (const mode of [-1, 0o10000, 0o100644, '644', 4.5]) {
      assertRejected(changedText((manifest) => (manifest.files[0]!.mode = mode)), /mode of "config\.cfg" is not a permission mode/);
    }
  });

  test('a file manifest with two files', () => {
    const text = changedText((manifest) => {
      manifest.files.push({ path: 'extra.bin', size: 0, sha256: emptySha256, mode: 0o644, blob: emptySha256 });
    }, fileManifest());
    assertRejected(text, /a file manifest must list exactly one file named "model\.bin"/, { ...expectation, output: 'training/model.bin' });
  });

  test('a file manifest whose file has another name', () => {
    const files: Manifest['files'] = [{ path: 'other.bin', size: 43, sha256: foxSha256, mode: 0o644, blob: foxSha256 }];
    const text = JSON.stringify({ ...fileManifest(), files, tree: treeHash(files) });
    assertRejected(text, /a file manifest must list exactly one file named "model\.bin"/, { ...expectation, output: 'training/model.bin' });
  });

  test('an unsafe path', () => {
    assertRejected(changedText((manifest) => (manifest.files[0]!.path = '../escape')), /file path "\.\.\/escape" has a "\.\." segment/);
    assertRejected(changedText((manifest) => (manifest.files[0]!.path = '/etc/passwd')), /file path "\/etc\/passwd" is absolute/);
    assertRejected(changedText((manifest) => (manifest.files[0]!.path = 'a\0b')), /NUL or control character/);
  });

  test('duplicate paths', () => {
    assertRejected(changedText((manifest) => (manifest.files[2]!.path = 'WEIGHTS/A.bin')), /as both "weights\/a\.bin" and "WEIGHTS\/A\.bin"/);
    assertRejected(changedText((manifest) => (manifest.files[0]!.path = 'weights')), /uses "weights" as both a file and a directory/);
  });

  test('files that are not a list, and entries that are not objects', () => {
    assertRejected(changedText((manifest) => (manifest.files = {} as unknown as Record<string, unknown>[])), /files is not a list/);
    assertRejected(changedText((manifest) => (manifest.files = ['config.cfg'] as unknown as Record<string, unknown>[])), /a file entry is not a JSON object/);
  });

  test('bad inputs, command, env and extra', () => {
    assertRejected(changedText((manifest) => (manifest.inputs = 'corpus')), /inputs is not a list/);
    assertRejected(changedText((manifest) => (manifest.inputs = [{ path: 'x', size: -1, sha256: foxSha256 }])), /size of input x is not a whole number/);
    assertRejected(changedText((manifest) => (manifest.inputs = [{ path: 'x', size: 1, sha256: 'F00' }])), /sha256 of input x is not a sha256/);
    assertRejected(changedText((manifest) => (manifest.command = [1])), /command line is not a string/);
    assertRejected(changedText((manifest) => (manifest.env = [null])), /env name is not a string/);
    assertRejected(changedText((manifest) => (manifest.extra = 3)), /extra is not a string/);
  });

  test('a missing or unreadable creation time', () => {
    assertRejected(changedText((manifest) => delete manifest.provenance), /provenance created is not a string/);
    assertRejected(changedText((manifest) => ((manifest.provenance as Record<string, unknown>).created = 'yesterday')), /creation time "yesterday" is not a date/);
    assertRejected(changedText((manifest) => ((manifest.provenance as Record<string, unknown>).commit = 5)), /provenance commit is not a string/);
  });
});

describe('isSha256', () => {
  test('only 64 lowercase hex digits', () => {
    assert.equal(isSha256(foxSha256), true);
    assert.deepEqual([foxSha256.toUpperCase(), foxSha256.slice(1), `${foxSha256}0`, ` ${foxSha256}`, 1, null].map(isSha256), [false, false, false, false, false, false]);
  });
});

describe('what a manifest records of the key for explaining a miss', () => {
  const digests: [string, string | null][] = [['SEED', foxSha256], ['UNSET', null]];

  test('env digests and declared outputs are read back as written', () => {
    const parsed = parseManifest(JSON.stringify({ ...directoryManifest(), env_sha256: digests, outputs: ['metrics.json', 'training/model-best'] }), expectation);
    assert.deepEqual(parsed.env_sha256, digests);
    assert.deepEqual(parsed.outputs, ['metrics.json', 'training/model-best']);
  });

  test('a manifest saved before they were recorded is read without them', () => {
    const parsed = parseManifest(JSON.stringify(directoryManifest()), expectation);
    assert.equal('env_sha256' in parsed, false);
    assert.equal('outputs' in parsed, false);
  });

  test('an env digest that is not a sha256, or an entry that is not a pair, is refused', () => {
    assertRejected(changedText((manifest) => (manifest.env_sha256 = [['SEED', 'secret value']])), /env_sha256 of "SEED" is not a sha256/);
    assertRejected(changedText((manifest) => (manifest.env_sha256 = [['SEED']])), /not a \[name, sha256\] pair/);
    assertRejected(changedText((manifest) => (manifest.outputs = 'model')), /outputs is not a list/);
  });
});
