import { sha256Hex } from './fileDigests.js';

/**
 * A restore builds each output in a folder beside it, named so that a later run can tell whose it
 * is and whether its maker is gone: the output it is for (a short hash of its path), the machine
 * and the process. A folder whose process died (a restore killed with SIGKILL) is removed by the
 * next save or restore of that output, and is never a file the workspace holds: walks skip it.
 */
export const stagingPrefix = '.stoat-staging-';

export interface StagingOwner {
  /** The first 8 hex digits of the sha256 of the output path. */
  output: string;
  /** The first 8 hex digits of the sha256 of the host name. */
  host: string;
  pid: number;
}

export function stagingName(output: string, host: string, pid: number, unique: string): string {
  return `${stagingPrefix}${shortHash(output)}-${shortHash(host)}-${pid}-${unique}`;
}

export function isStagingName(name: string): boolean {
  return name.startsWith(stagingPrefix);
}

/** Who made a staging folder, or undefined for a name this version does not write. */
export function stagingOwner(name: string): StagingOwner | undefined {
  const match = /^([0-9a-f]{8})-([0-9a-f]{8})-(\d+)-/.exec(name.slice(stagingPrefix.length));
  if (!isStagingName(name) || match === null) return undefined;
  return { output: match[1]!, host: match[2]!, pid: Number(match[3]) };
}

/** Whether a staging folder named `name` is for `output` and was made on `host`. */
export function isStagingOf(name: string, output: string): boolean {
  return stagingOwner(name)?.output === shortHash(output);
}

export function isSameHost(owner: StagingOwner, host: string): boolean {
  return owner.host === shortHash(host);
}

function shortHash(text: string): string {
  return sha256Hex(text).slice(0, 8);
}
