import { expandDependencies } from '../workspace/dependencies.js';
import { currentHashCache, digestsOfStampedFiles } from '../hashing/index.js';
import { type InputReport } from '../core/stepReport.js';

/**
 * The input-hash report: md5, sha1 and sha256 of every file the entries expand to, in one read each,
 * or none for a file the hash cache knows in its present state.
 */
export async function hashInputs(workingDirectory: string, entries: readonly string[]): Promise<InputReport[]> {
  const stampedFrom = Date.now();
  const files = await expandDependencies(workingDirectory, entries);
  const digests = await digestsOfStampedFiles(files.map((file) => ({ path: file.absolute, stamp: file.stamp })), currentHashCache(), stampedFrom);
  return files.map((file, index) => ({ path: file.path, ...digests[index]! }));
}
