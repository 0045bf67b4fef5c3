import { expandDependencies } from '../core/dependencies.js';
import { hashFile } from '../core/fileHash.js';
import { mapConcurrently } from '../core/mapConcurrently.js';
import { type InputReport } from '../core/stepReport.js';
import { defaultConcurrency } from './stepDefinition.js';

/** The input-hash report: md5, sha1 and sha256 of every file the entries expand to, in one read each. */
export async function hashInputs(workingDirectory: string, entries: readonly string[]): Promise<InputReport[]> {
  const files = await expandDependencies(workingDirectory, entries);
  return mapConcurrently(files, defaultConcurrency, async (file) => ({ path: file.path, ...(await hashFile(file.absolute)) }));
}
