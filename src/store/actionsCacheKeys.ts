import { sha256Hex } from '../core/fileDigests.js';
import { type KeyNaming } from '../remote/keyNaming.js';
import { layoutRoot } from './layout.js';

/**
 * Layout v1 as keys of the GitHub Actions cache, which are at most 512 characters, hold no comma,
 * and are matched regardless of case and by prefix:
 *
 *   stoat/v1/
 *   ├── outputs/<sha256(output path)>/<command key>/<case-safe scope>/<tree hash>   manifests
 *   ├── index/<sha256(output path)>/<case-safe scope>/<descending time>-<command key>-<tree hash>
 *   │                                                                              the index of saves
 *   ├── blobs/<sha256>                                                             one file's bytes
 *   └── packs/<sha256>                                                             small files, concatenated
 *
 * The output path is hashed: escaped, it can be longer than a whole key may be, and `Model.bin` and
 * `model.bin` would be one key. Every other segment is made case-safe (see caseSafe): `ref-Feature`
 * and `ref-feature` stay two scopes. A manifest's `.json` and the two-character folders, which serve
 * listings of directories and buckets, are left out. The index of an output's saves (v1's
 * `outputs/<output>/index/`) is a tree of its own: a lookup finds only the newest entry under a
 * prefix, and under an output's prefix that must be a manifest, not the index entry written after
 * it. The longest key the layout makes (an index entry in a scope of 201 capitals) is 486
 * characters. A prefix is always asked for with its `/`, so `pr-1/` never finds `pr-10/`. Keys
 * outside the layout (the remote contract's) are made case-safe segment by segment.
 */
export const actionsCacheKeys: KeyNaming = { toBackend, fromBackend };

/** The cache's limit on a key's length, in characters. */
export const longestActionsCacheKey = 512;

const hexadecimal64 = /^[0-9a-f]{64}$/;
/** Where layout v1 keeps an output's index of saves, below the output's folder (see store/layout.ts's indexPrefix). */
const indexFolder = 'index';
const manifestName = /^([0-9a-f]{64})\.json$/;
/** Segments before the first one that is named differently: `stoat`, `v1` and the kind of object. */
const fixedSegments = 3;

function toBackend(key: string): string {
  const segments = key.split('/');
  const named = isLayoutKey(segments) ? layoutSegments(key, segments) : segments.map(caseSafe);
  const backendKey = named.join('/');
  if (backendKey.length > longestActionsCacheKey) throw new RangeError(`the key ${key} is ${backendKey.length} characters in the GitHub Actions cache, more than its ${longestActionsCacheKey}`);
  return backendKey;
}

function fromBackend(prefix: string, backendKey: string): string | undefined {
  const backendPrefix = toBackend(prefix);
  // Every key this naming makes is lower case; the cache may hand one back in the case of a twin.
  const found = backendKey.toLowerCase();
  if (!prefix.endsWith('/') || !found.startsWith(backendPrefix)) return undefined;
  const asked = prefix.split('/').slice(0, -1);
  const rest = found.slice(backendPrefix.length).split('/');
  const restored = isLayoutKey(asked) ? restoreLayoutSegments(asked, rest) : rest.map(caseRestored);
  if (restored === undefined || restored.some((segment) => segment === undefined || segment === '')) return undefined;
  const key = [...asked, ...restored].join('/');
  // Only a key that names back to exactly what was found is one of ours.
  return toBackend(key) === found ? key : undefined;
}

function isLayoutKey(segments: readonly string[]): boolean {
  return `${segments[0]}/${segments[1]}` === layoutRoot && segments.length > 2;
}

function layoutSegments(key: string, segments: readonly string[]): string[] {
  const [kind, ...rest] = segments.slice(2);
  if (kind === 'blobs' || kind === 'packs') return [...segments.slice(0, fixedSegments), ...contentSegments(key, rest)];
  if (kind === 'outputs' && rest[1] === indexFolder) return [layoutRoot, indexFolder, sha256Hex(decodeURIComponent(rest[0]!)), ...rest.slice(2).map(caseSafe)];
  if (kind === 'outputs') return [...segments.slice(0, fixedSegments), ...outputSegments(rest)];
  throw new RangeError(`${key} is no key of layout ${layoutRoot}`);
}

/** `<sha256[0..2]>/<sha256>` is `<sha256>`; the folder alone, as a prefix, is the start of a name. */
function contentSegments(key: string, rest: readonly string[]): string[] {
  if (rest.length === 1 && rest[0] === '') return [''];
  const [folder, name] = rest;
  if (rest.length === 2 && /^[0-9a-f]{2}$/.test(folder!) && name === '') return [folder!];
  if (rest.length === 2 && hexadecimal64.test(name!) && name!.startsWith(folder!)) return [name!];
  throw new RangeError(`${key} is no key of layout ${layoutRoot}`);
}

/** The output path hashed; then the segments case-safe, a manifest's `<tree>.json` as `<tree>`. */
function outputSegments(rest: readonly string[]): string[] {
  return rest.map((segment, index) => {
    if (index === 0) return segment === '' ? '' : sha256Hex(decodeURIComponent(segment));
    const manifest = index === rest.length - 1 ? manifestName.exec(segment) : null;
    return manifest === null ? caseSafe(segment) : manifest[1]!;
  });
}

function restoreLayoutSegments(asked: readonly string[], rest: readonly string[]): (string | undefined)[] | undefined {
  const kind = asked[2];
  if (kind === 'blobs' || kind === 'packs') {
    // A found name is a whole sha256, whether the prefix stopped at the kind or at its two-character folder.
    const name = asked.length === fixedSegments ? rest.join('/') : `${asked[fixedSegments]}${rest.join('/')}`;
    return hexadecimal64.test(name) ? (asked.length === fixedSegments ? [name.slice(0, 2), name] : [name]) : undefined;
  }
  // The output path cannot be read back from its hash: a lookup always names the output.
  if (kind !== 'outputs' || asked.length <= fixedSegments) return undefined;
  if (asked[fixedSegments + 1] === indexFolder) return rest.map(caseRestored);
  return rest.map((segment, index) => (index === rest.length - 1 && hexadecimal64.test(segment) ? `${segment}.json` : caseRestored(segment)));
}

/**
 * A segment that no two keys differing only in case share: escaped as a URI component (so no comma
 * and nothing but ASCII), lower-cased, and followed by `~` and a hexadecimal mask of the characters
 * that were capitals when there were any (`ref-Feature` is `ref-feature~10`). `~` is escaped too,
 * so the one left marks the mask.
 */
export function caseSafe(segment: string): string {
  const escaped = encodeURIComponent(segment).replace(/[~!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  let mask = 0n;
  for (let index = 0; index < escaped.length; index++) {
    const code = escaped.charCodeAt(index);
    if (code >= 65 && code <= 90) mask |= 1n << BigInt(index);
  }
  const lower = escaped.toLowerCase();
  return mask === 0n ? lower : `${lower}~${mask.toString(16)}`;
}

/** The segment caseSafe made `encoded` from, or undefined when no segment makes it. */
export function caseRestored(encoded: string): string | undefined {
  const [lower, maskText, extra] = encoded.split('~');
  if (extra !== undefined || (maskText !== undefined && !/^[0-9a-f]+$/.test(maskText))) return undefined;
  const mask = maskText === undefined ? 0n : BigInt(`0x${maskText}`);
  const characters = [...lower!].map((character, index) => ((mask >> BigInt(index)) & 1n ? character.toUpperCase() : character));
  try {
    const segment = decodeURIComponent(characters.join(''));
    return caseSafe(segment) === encoded ? segment : undefined;
  } catch {
    return undefined;
  }
}
