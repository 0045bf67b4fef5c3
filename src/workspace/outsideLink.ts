import { lstat, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { toPosix } from '../core/declaredPath.js';

/** A symbolic link on the way to a path that leads out of the working directory, or cannot be followed. */
export interface OutsideLink {
  /** The link, relative to the working directory, `/`-separated. */
  link: string;
  /** Its real path outside the working directory, or undefined when it is broken or loops. */
  target: string | undefined;
  /** Why it cannot be followed (ENOENT, ELOOP), when it cannot. */
  code: string | undefined;
}

/**
 * The first symbolic link on the way from the working directory to `absolute` (the path itself
 * included) whose real path is outside the working directory, or that cannot be followed; undefined
 * when every part of the path that exists is really inside. A link planted in the workspace must
 * redirect neither what a save uploads nor where a restore writes, so both sides apply this rule.
 * A link that stays inside is fine: only where the bytes really are matters.
 */
export async function findOutsideLink(workingDirectory: string, absolute: string): Promise<OutsideLink | undefined> {
  const path = toPosix(relative(workingDirectory, absolute));
  if (path === '') return undefined;
  const root = await realpath(workingDirectory);
  const rootPrefix = root.endsWith(sep) ? root : root + sep;
  const segments = path.split('/');
  let current = workingDirectory;
  for (const [index, segment] of segments.entries()) {
    current = join(current, segment);
    const status = await lstat(current).catch(() => undefined);
    // Nothing exists from here on: whatever is made there later is made through the parts checked.
    if (status === undefined) return undefined;
    if (!status.isSymbolicLink()) continue;
    const link = segments.slice(0, index + 1).join('/');
    let real: string;
    try {
      real = await realpath(current);
    } catch (error) {
      return { link, target: undefined, code: (error as NodeJS.ErrnoException).code };
    }
    if (real !== root && !real.startsWith(rootPrefix)) return { link, target: real, code: undefined };
  }
  return undefined;
}
