import { type Manifest, type ManifestFile } from './manifest.js';

/** A manifest without its list of files, which is given one file at a time. */
export type ManifestHead = Omit<Manifest, 'files'>;

/**
 * The bytes of `JSON.stringify(manifest)`, written straight into one buffer of the right size. A
 * manifest of 100,000 files is about 20 MB: building every file's object, then the whole string,
 * then its bytes would hold three copies at once. Each file's text is made twice instead (once to
 * measure, once to write), which costs little next to saving the files themselves.
 */
export function manifestBytes(head: ManifestHead, fileCount: number, fileAt: (index: number) => ManifestFile): Buffer {
  // The fields in the order of the Manifest type, as a manifest built whole would have them.
  const { stoat, output, kind, key, scope, tree, inputs, command, env, extra, env_sha256, outputs, provenance } = head;
  const opening = `${JSON.stringify({ stoat, output, kind, key, scope, tree }).slice(0, -1)},"files":[`;
  // Fields left undefined are left out, as JSON.stringify leaves them out of a whole manifest.
  const closing = `],${JSON.stringify({ inputs, command, env, extra, env_sha256, outputs, provenance }).slice(1)}`;
  let length = Buffer.byteLength(opening) + Buffer.byteLength(closing);
  for (let index = 0; index < fileCount; index++) length += Buffer.byteLength(fileText(fileAt(index), index));
  const bytes = Buffer.allocUnsafe(length);
  let written = bytes.write(opening);
  for (let index = 0; index < fileCount; index++) written += bytes.write(fileText(fileAt(index), index), written);
  written += bytes.write(closing, written);
  if (written !== length) throw new Error(`the manifest took ${written} bytes where ${length} were measured: fileAt must give the same file each time`);
  return bytes;
}

function fileText(file: ManifestFile, index: number): string {
  return index === 0 ? JSON.stringify(file) : `,${JSON.stringify(file)}`;
}
