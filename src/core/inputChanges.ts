import { type ManifestInput } from './manifest.js';
import { type InputReport } from './stepReport.js';

/**
 * The inputs with what changed since the nearest earlier result used them: `changed` where that
 * result read the same path with other content, `new` where it did not read the path at all. On a
 * hit there is nothing to mark: the key covers every dep, so a result restored under it read
 * exactly these contents.
 */
export function markSinceLastUse(inputs: readonly InputReport[], earlier: readonly ManifestInput[]): InputReport[] {
  const before = new Map(earlier.map((input) => [input.path, input.sha256]));
  return inputs.map((input) => {
    const sha256 = before.get(input.path);
    if (sha256 === input.sha256) return input;
    return { ...input, since_last_use: sha256 === undefined ? 'new' : 'changed' };
  });
}

/** The inputs marked changed since last use: the ones a reviewer is warned of. */
export function changedSinceLastUse(inputs: readonly InputReport[]): InputReport[] {
  return inputs.filter((input) => input.since_last_use === 'changed');
}
