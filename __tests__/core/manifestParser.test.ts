import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { IntegrityError } from '../../src/core/errors.js';
import { type Manifest, type ManifestExpectation, ManifestParser, parseManifest } from '../../src/core/manifest.js';
import { manifestBytes } from '../../src/core/manifestBytes.js';
import { treeHash } from '../../src/core/treeHash.js';

const key = '4cf0af640383f4e79a44f47e820d77afaa231e50913084682755d8375d242378';
const expectation: ManifestExpectation = { output: 'out', key, scope: 'trusted' };
const sha = (index: number): string => index.toString(16).padStart(64, '0');

/** A directory manifest of `count` files, with names that stress the scanner: quotes, brackets, commas, non-ASCII. */
function manifestOf(count: number, extra = 'extra with "files":[1,2] and \\ and ]'): Manifest {
  const files: Manifest['files'] = Array.from({ length: count }, (_, index) => ({
    path: `dir "${index % 3}"/[a,b]{c}é-${index}.bin`,
    size: index,
    sha256: sha(index),
    mode: 0o644,
    ...(index % 2 === 0 ? { blob: sha(index) } : { pack: sha(1_000_000), offset: index * 10 }),
  }));
  return {
    stoat: 1, output: 'out', kind: 'dir', key, scope: 'trusted', tree: treeHash(files), files,
    inputs: [{ path: 'in', size: 1, sha256: sha(7) }], command: ['echo "files": ['], env: [], extra,
    provenance: { commit: null, dirty: null, ref: null, event: null, run: null, workflow: null, repository: null, pull_request: null, created: '2026-11-25T10:00:00Z', duration_ms: null },
  };
}

/** Feeds the bytes to a parser in pieces of `size` bytes. */
function parseInPieces(bytes: Uint8Array, size: number): Manifest {
  const parser = new ManifestParser(expectation);
  for (let start = 0; start < bytes.length; start += size) parser.push(bytes.slice(start, start + size));
  return parser.finish();
}

function refused(text: string, message: RegExp): void {
  assert.throws(() => parseManifest(text, expectation), (error: Error) => error instanceof IntegrityError && message.test(error.message), message.source);
}

describe('ManifestParser', () => {
  test('gives the manifest whole JSON.parse gives, whatever the pieces it is read in', () => {
    const manifest = manifestOf(40);
    const bytes = new TextEncoder().encode(JSON.stringify(manifest));
    for (const size of [1, 2, 3, 7, 64, 1000, bytes.length]) assert.deepEqual(parseInPieces(bytes, size), manifest, `pieces of ${size} bytes`);
  });

  test('reads what manifestBytes writes for 5,000 files, in 64 KiB pieces', () => {
    const manifest = manifestOf(5000);
    const { files, ...head } = manifest;
    const bytes = manifestBytes(head, files.length, (index) => files[index]!);
    assert.deepEqual(parseInPieces(bytes, 64 * 1024), manifest);
  });

  test('takes the files list wherever it is, indented or not, its key spelled with escapes or not', () => {
    const manifest = manifestOf(3);
    const indented = JSON.stringify(manifest, null, 2);
    assert.deepEqual(parseManifest(indented, expectation), manifest);
    const { files, ...head } = manifest;
    const filesLast = `{${JSON.stringify(head).slice(1, -1)} , "fil\\u0065s" : ${JSON.stringify(files)} }`;
    assert.deepEqual(parseManifest(filesLast, expectation), manifest);
  });

  test('does not take a "files" list nested in another field for the manifest\'s own', () => {
    const manifest = manifestOf(2);
    const text = JSON.stringify({ ...manifest, provenance: { ...manifest.provenance, nested: { files: [{ path: 'x' }] } } });
    assert.deepEqual(parseManifest(text, expectation).files, manifest.files);
  });
});

describe('ManifestParser refuses', () => {
  const text = JSON.stringify(manifestOf(3));
  const [first, second] = manifestOf(3).files.map((file) => JSON.stringify(file));

  test('every cut-short manifest as not valid JSON', () => {
    for (let end = 0; end < text.length; end += 7) refused(text.slice(0, end), /not valid JSON/);
  });

  test('holes and a trailing comma in the files list', () => {
    for (const files of [`[${first},,${second}]`, `[,${first}]`, `[${first},]`, '[,]']) {
      refused(text.replace(/"files":\[.*?\],"inputs"/, `"files":${files},"inputs"`), /not valid JSON/);
    }
  });

  test('an entry that is not JSON, and text after the manifest', () => {
    refused(text.replace(first!, `${first} x`), /not valid JSON/);
    refused(text.replace(first!, first!.replace('{', '{{')), /not valid JSON/);
    refused(`${text} {}`, /not valid JSON/);
  });

  test('a manifest with two files lists', () => {
    refused(`${text.slice(0, -1)},"files":[]}`, /more than one "files" list/);
  });

  test('a files field that is not a list, or entries that are not objects', () => {
    refused(text.replace(/"files":\[.*?\],"inputs"/, '"files":{"a":1},"inputs"'), /files is not a list/);
    refused(text.replace(/"files":\[.*?\],"inputs"/, '"files":["a"],"inputs"'), /file entry is not a JSON object/);
  });

  test('with the same precedence as a whole parse: the key before a bad file', () => {
    const bad = text.replace(first!, first!.replace('"mode":420', '"mode":4096')).replace(key, sha(9));
    refused(bad, /key is/);
    refused(text.replace(first!, first!.replace('"mode":420', '"mode":4096')), /mode of/);
  });
});
