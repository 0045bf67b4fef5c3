/**
 * The code a hashing worker thread runs, as plain JavaScript. It is a string rather than a file
 * because the action ships as a bundle (there is no worker file to point at) and the tests
 * run the TypeScript sources, whose compiled functions cannot be serialized reliably. Workers started
 * with `{ eval: true }` are CommonJS, hence `require`.
 *
 * Protocol (see hashPool.ts): the main thread posts `{ sequence, offset, segments }`, where each
 * segment is `{ file, start, length, last, algorithms? }` and its bytes are
 * `ring[offset + start, offset + start + length)`. `algorithms` comes with a file's first segment
 * only. The worker answers each message with `{ sequence, finished, timings }`: the digests of the
 * files whose last segment it held, in the order of their algorithms, and how long each algorithm
 * took, so the main thread can learn what each digest costs on this machine.
 */
export const hashWorkerSource = `
'use strict';
const { createHash } = require('node:crypto');
const { performance } = require('node:perf_hooks');
const { parentPort, workerData } = require('node:worker_threads');

const ring = new Uint8Array(workerData.ring);
// A file's hashes live from its first segment to its last, which may come in a later message.
const unfinishedFiles = new Map();

function hashesOf(segment) {
  let hashes = unfinishedFiles.get(segment.file);
  if (hashes === undefined) {
    hashes = segment.algorithms.map((algorithm) => ({ algorithm, hash: createHash(algorithm) }));
    unfinishedFiles.set(segment.file, hashes);
  }
  return hashes;
}

function hashSegment(segment, offset, timings) {
  const hashes = hashesOf(segment);
  const bytes = ring.subarray(offset + segment.start, offset + segment.start + segment.length);
  for (const { algorithm, hash } of hashes) {
    const started = performance.now();
    hash.update(bytes);
    const timing = (timings[algorithm] ??= { bytes: 0, milliseconds: 0 });
    timing.bytes += bytes.length;
    timing.milliseconds += performance.now() - started;
  }
  if (!segment.last) return undefined;
  unfinishedFiles.delete(segment.file);
  return { file: segment.file, digests: hashes.map(({ hash }) => hash.digest('hex')) };
}

parentPort.on('message', (chunk) => {
  const finished = [];
  const timings = {};
  for (const segment of chunk.segments) {
    const result = hashSegment(segment, chunk.offset, timings);
    if (result !== undefined) finished.push(result);
  }
  parentPort.postMessage({ sequence: chunk.sequence, finished, timings });
});
`;
