import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { type Manifest } from '../../src/core/manifest.js';
import { manifestBytes } from '../../src/core/manifestBytes.js';

const hash = (digit: string): string => digit.repeat(64);

const manifest: Manifest = {
  stoat: 1,
  output: 'models/ünïcode "quoted"',
  kind: 'dir',
  key: hash('a'),
  scope: 'pr-7',
  tree: hash('b'),
  files: [
    { path: 'big.bin', size: 5_000_000, sha256: hash('c'), mode: 0o644, blob: hash('c') },
    { path: 'é/😀\\line\nbreak.txt', size: 12, sha256: hash('d'), mode: 0o755, pack: hash('e'), offset: 0 },
    { path: 'z.txt', size: 0, sha256: hash('f'), mode: 0o600, pack: hash('e'), offset: 12 },
  ],
  inputs: [{ path: 'train.py', size: 3, sha256: hash('1') }],
  command: ['python train.py', 'echo "done"'],
  env: ['SEED'],
  extra: 'x\u0000y',
  provenance: { commit: null, dirty: false, ref: 'refs/heads/main', event: 'push', run: '1', workflow: 'ci', repository: 'octo/pipeline', pull_request: 7, created: '2026-11-22T10:00:00.000Z', duration_ms: 5 },
};

const { files, ...head } = manifest;

describe('manifestBytes', () => {
  test('writes exactly what JSON.stringify writes for the whole manifest', () => {
    assert.equal(manifestBytes(head, files.length, (index) => files[index]!).toString('utf8'), JSON.stringify(manifest));
  });

  test('a manifest with no files', () => {
    assert.equal(manifestBytes(head, 0, () => assert.fail('no file is asked for')).toString('utf8'), JSON.stringify({ ...manifest, files: [] }));
  });
});
