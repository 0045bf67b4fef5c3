import { expandDependencies } from '../workspace/dependencies.js';
import { hashFiles } from '../hashing/index.js';
import { type InputReport } from '../core/stepReport.js';

/** The input-hash report: md5, sha1 and sha256 of every file the entries expand to, in one read each. */
export async function hashInputs(workingDirectory: string, entries: readonly string[]): Promise<InputReport[]> {
  const files = await expandDependencies(workingDirectory, entries);
  const digests = await hashFiles(files.map((file) => file.absolute));
  return files.map((file, index) => ({ path: file.path, ...digests[index]! }));
}
