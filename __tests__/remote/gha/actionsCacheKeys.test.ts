import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { sha256Hex } from '../../../src/core/fileDigests.js';
import { caseRestored, caseSafe } from '../../../src/store/actionsCacheKeys.js';
import { actionsCacheKeys, blobKey, indexEntryKey, indexPrefix, manifestKey, manifestPrefix, outputPrefix, packKey } from '../../../src/store/layout.js';

const { toBackend, fromBackend } = actionsCacheKeys;
const key = 'a'.repeat(64);
const tree = 'b'.repeat(64);
const sha = 'c'.repeat(64);

describe('layout v1 as GitHub Actions cache keys', () => {
  test('golden vectors: the output path hashed, no fan-out, no .json, scopes case-safe', () => {
    assert.equal(toBackend(blobKey(sha)), `stoat/v1/blobs/${sha}`);
    assert.equal(toBackend(packKey(sha)), `stoat/v1/packs/${sha}`);
    assert.equal(toBackend(manifestKey('model/Best.bin', key, 'ref-Feature', tree)), `stoat/v1/outputs/${sha256Hex('model/Best.bin')}/${key}/ref-feature~10/${tree}`);
    assert.equal(toBackend(manifestPrefix('out', key, 'pr-7@gpu')), `stoat/v1/outputs/${sha256Hex('out')}/${key}/pr-7%40gpu/`);
    assert.equal(toBackend(outputPrefix('out')), `stoat/v1/outputs/${sha256Hex('out')}/`);
    // The index is a tree of its own: the newest entry under an output's prefix is always a manifest.
    assert.equal(toBackend(indexEntryKey('out', 'trusted', 1000, key, tree)), `stoat/v1/index/${sha256Hex('out')}/trusted/9999999998999-${key}-${tree}`);
    assert.equal(toBackend(indexPrefix('out', 'Ref-X')), `stoat/v1/index/${sha256Hex('out')}/ref-x~11/`);
  });

  test('every key comes back from what it names, under each prefix a lookup uses', () => {
    const output = 'Data/Ünïcode, and commas/model.bin';
    const manifest = manifestKey(output, key, 'ref-Feature_X.1@Gpu', tree);
    for (const prefix of [outputPrefix(output), manifestPrefix(output, key, 'ref-Feature_X.1@Gpu')]) assert.equal(fromBackend(prefix, toBackend(manifest)), manifest);
    const entry = indexEntryKey(output, 'pr-12', Date.now(), key, tree);
    assert.equal(fromBackend(indexPrefix(output, 'pr-12'), toBackend(entry)), entry);
    assert.equal(fromBackend('stoat/v1/blobs/', toBackend(blobKey(sha))), blobKey(sha));
    assert.equal(fromBackend('stoat/v1/packs/cc/', toBackend(packKey(sha))), packKey(sha));
    assert.equal(fromBackend('outputs/a/', toBackend('outputs/a/Deeper/two.json')), 'outputs/a/Deeper/two.json');
  });

  test('keys that differ only in case are different keys, whatever the case of what is found', () => {
    assert.notEqual(toBackend(manifestKey('Model.bin', key, 'trusted', tree)).toLowerCase(), toBackend(manifestKey('model.bin', key, 'trusted', tree)).toLowerCase());
    assert.notEqual(toBackend(manifestPrefix('out', key, 'ref-Main')).toLowerCase(), toBackend(manifestPrefix('out', key, 'ref-main')).toLowerCase());
    const found = toBackend(manifestKey('out', key, 'ref-Main', tree));
    assert.equal(fromBackend(manifestPrefix('out', key, 'ref-Main'), found.toUpperCase()), manifestKey('out', key, 'ref-Main', tree));
    assert.equal(fromBackend(manifestPrefix('out', key, 'ref-main'), found), undefined);
  });

  test('keys are at most 512 characters and hold no comma, however long the output path and scope', () => {
    const longest = `${'A'.repeat(100)}@${'B'.repeat(99)}`;
    for (const name of [toBackend(indexEntryKey(`${'x'.repeat(4000)},y`, longest, Date.now(), key, tree)), toBackend(manifestKey('o,p', key, longest, tree))]) {
      assert.ok(name.length <= 512, `${name.length} characters`);
      assert.ok(!name.includes(','));
    }
    assert.throws(() => toBackend(`${'segment/'.repeat(100)}end`), /more than its 512/);
  });

  test('a prefix matches only whole segments, and a found key that is no key of the prefix is passed over', () => {
    assert.equal(fromBackend(manifestPrefix('out', key, 'pr-1'), toBackend(manifestKey('out', key, 'pr-10', tree))), undefined);
    assert.equal(fromBackend(outputPrefix('out'), `${toBackend(outputPrefix('other'))}${key}/trusted/${tree}`), undefined);
    assert.equal(fromBackend(outputPrefix('out'), `${toBackend(outputPrefix('out'))}${key}/bad~zz/${tree}`), undefined);
    assert.equal(fromBackend('stoat/v1/blobs/', 'stoat/v1/blobs/short'), undefined);
    assert.throws(() => toBackend('stoat/v1/other/thing'), /no key of layout stoat\/v1/);
  });

  test('caseSafe is undone by caseRestored, and nothing else is', () => {
    for (const segment of ['plain', 'Mixed-Case', '~tilde~', 'a,b', 'Ünïcode', '%41', "it's (a) *star*!", '']) {
      const encoded = caseSafe(segment);
      assert.equal(encoded, encoded.toLowerCase().replace(/~[0-9a-f]+$/, (mask) => mask), segment);
      assert.equal(caseRestored(encoded), segment);
    }
    for (const foreign of ['a~zz', 'a~1~2', 'ab~4', '%zz']) assert.equal(caseRestored(foreign), undefined, foreign);
  });
});
