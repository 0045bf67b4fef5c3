// Runs s3rver (its own command line, same arguments) with one change: a PUT replaces an object in
// one step, as S3's PUTs do. s3rver writes an object in place (a reader meanwhile sees it cut
// short) and answers a PUT whose body it already holds before the bytes are on disk; two savers
// writing one content-addressed object at once then let a restore read a torn copy. The bytes go
// to a temporary file (listings skip it: its name does not end in the object suffix), then are
// renamed over the object.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import FilesystemStore from 's3rver/lib/stores/filesystem.js';

FilesystemStore.prototype.putObject = async function putObject(object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  const temporary = `${objectPath}.${randomBytes(6).toString('hex')}.partial`;
  await mkdir(dirname(objectPath), { recursive: true });
  const md5 = createHash('md5');
  let size = 0;
  const counted = new Transform({
    transform(chunk, encoding, callback) {
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    const content = Buffer.isBuffer(object.content) ? [object.content] : object.content;
    await pipeline(content, counted, createWriteStream(temporary));
    await rename(temporary, objectPath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const digest = md5.digest('hex');
  await this.putMetadata(object.bucket, object.key, object.metadata, digest);
  return { size, md5: digest };
};

await import('s3rver/bin/s3rver.js');
