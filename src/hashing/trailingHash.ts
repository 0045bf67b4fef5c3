import { Worker } from 'node:worker_threads';

/**
 * The code of the worker: it reads the file back in order, as far as the main thread says it is
 * written, and hashes it. Reading back from the page cache costs far less than the hash itself, and
 * it keeps the received bytes out of memory: they are written once, where they arrive, and never
 * held for their turn. A string for the same reason as hashWorkerSource: the action is one file.
 */
const trailingHashSource = `
'use strict';
const { createHash } = require('node:crypto');
const { closeSync, openSync, readSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');

const hash = createHash('sha256');
const buffer = Buffer.allocUnsafe(1024 * 1024);
let descriptor;
let hashed = 0;
let written = 0;
let size;

function catchUp() {
  descriptor ??= openSync(workerData.path, 'r');
  while (hashed < written) {
    const read = readSync(descriptor, buffer, 0, Math.min(buffer.length, written - hashed), hashed);
    if (read === 0) throw new Error('the file ended at ' + hashed + ' bytes, before the ' + written + ' written');
    hash.update(buffer.subarray(0, read));
    hashed += read;
  }
  if (size !== undefined && hashed === size) {
    closeSync(descriptor);
    parentPort.postMessage({ digest: hash.digest('hex') });
  }
}

parentPort.on('message', (message) => {
  try {
    written = Math.max(written, message.written);
    if (message.size !== undefined) size = message.size;
    catchUp();
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
});
`;

/** Bytes of new prefix worth a message: fewer messages, with the worker at most this far behind. */
const reportEvery = 1024 * 1024;

/**
 * Takes the sha256 of a file that is being written out of order (parallel ranged parts) in order, on a worker
 * thread, trailing the written prefix: the digest is ready moments after the last byte lands, the
 * thread receiving the bytes never hashes them, and no byte is held in memory for its turn.
 */
export class TrailingHash {
  private readonly worker: Worker;
  private readonly result: Promise<string>;
  private reported = 0;

  constructor(path: string) {
    this.worker = new Worker(trailingHashSource, { eval: true, workerData: { path } });
    this.result = new Promise<string>((resolve, reject) => {
      this.worker.once('message', (message: { digest?: string; error?: string }) => {
        if (message.digest !== undefined) resolve(message.digest);
        else reject(new Error(`hashing ${path} as it was written failed: ${message.error}`));
      });
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`the thread hashing ${path} stopped (exit code ${code})`)));
    });
    // A failure seen only after an abandon must not count as unhandled.
    this.result.catch(() => undefined);
  }

  /** The first `bytes` of the file are written: the worker may hash them. */
  written(bytes: number): void {
    if (bytes - this.reported < reportEvery) return;
    this.reported = bytes;
    this.worker.postMessage({ written: bytes });
  }

  /** The whole file, `size` bytes, is written: resolves with its digest once hashed. */
  async digest(size: number): Promise<string> {
    this.worker.postMessage({ written: size, size });
    try {
      return await this.result;
    } finally {
      await this.worker.terminate();
    }
  }

  async abandon(): Promise<void> {
    await this.worker.terminate();
  }
}
