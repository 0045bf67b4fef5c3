import { errorMessage, IntegrityError, ObjectMissingError, RemoteError } from '../core/errors.js';
import { type Manifest, type ManifestExpectation, ManifestParser } from '../core/manifest.js';
import { type ListedObject, type Remote } from '../remote/remote.js';

/** A manifest larger than this is refused unread: no honest output needs one. */
export const maximumManifestBytes = 64 * 1024 * 1024;

/** What a listed manifest must be: what its reader expects, with the tree hash its name gives. */
export interface ExpectedManifest extends ManifestExpectation {
  tree: string;
}

/** A manifest that was read and checked, or why it cannot be used. */
export type ManifestReading = { manifest: Manifest } | { unusable: string };

/**
 * Reads one listed manifest and checks it against what its reader expects. A manifest that is too
 * large, gone by the time it is read, or not what its name says is unusable, which is an answer and
 * not an error: the reader moves on to another manifest or to a miss. A remote that fails to answer
 * still throws.
 */
export async function readManifest(remote: Remote, listed: ListedObject, expected: ExpectedManifest): Promise<ManifestReading> {
  try {
    // The listing already says how large it is: no need to read a huge one to refuse it.
    if (listed.size > maximumManifestBytes) throw new RangeError(`it is ${listed.size} bytes, more than the ${maximumManifestBytes} a manifest may have`);
    const manifest = await parseAsRead(remote, listed.key, expected);
    if (manifest.tree !== expected.tree) throw new IntegrityError(`its name does not match its tree hash ${manifest.tree}`);
    return { manifest };
  } catch (error) {
    // RangeError also covers JSON nested deeper than the parser's stack.
    if (!(error instanceof IntegrityError || error instanceof ObjectMissingError || error instanceof RangeError)) throw error;
    return { unusable: `manifest ${remote.locate(listed.key)} is unusable: ${errorMessage(error)}` };
  }
}

/**
 * Parses a manifest while it is read, piece by piece (see ManifestParser): a manifest of 100,000
 * files is 20 MB, and held whole beside its parse it set a restore's peak memory.
 */
async function parseAsRead(remote: Remote, key: string, expected: ManifestExpectation): Promise<Manifest> {
  const parser = new ManifestParser(expected);
  const stream = await remote.read(key);
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      // The listing can be out of date: the bytes read are counted too.
      if (total > maximumManifestBytes) throw new RangeError(`it is larger than the ${maximumManifestBytes} bytes a manifest may have`);
      parser.push(chunk);
    }
  } catch (error) {
    if (error instanceof RangeError) throw error;
    throw new RemoteError(`reading ${remote.locate(key)} failed: ${(error as Error).message}`, remote.display, { cause: error });
  } finally {
    stream.destroy();
  }
  return parser.finish();
}
