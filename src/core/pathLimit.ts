/**
 * The system's limits on file names: the most bytes in one name (NAME_MAX) and in a whole path
 * (PATH_MAX, counting its final NUL). A path past them cannot be looked up at all (ENAMETOOLONG),
 * so an output that holds one can be neither saved nor restored here.
 */
const nameLimit = 255;
const pathLimit = process.platform === 'darwin' ? 1024 : 4096;

export function isNameTooLong(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENAMETOOLONG';
}

/** Which limit an absolute path goes past, and what to do, for a message after "is too long:". */
export function pathLimitExplanation(absolute: string): string {
  const longestName = Math.max(...absolute.split('/').map((name) => Buffer.byteLength(name)));
  const exceeded =
    longestName > nameLimit
      ? `it has a name of ${longestName} bytes, and this system allows at most ${nameLimit} bytes in one name`
      : `it is ${Buffer.byteLength(absolute)} bytes long as an absolute path, and this system allows less than ${pathLimit} bytes in a path`;
  return `${exceeded}: shorten the names, or nest the folders less deeply`;
}

/** A long path shown by its start and end: a path of thousands of characters would drown the message. */
export function shortenedPath(path: string, keep = 60): string {
  const characters = Array.from(path);
  if (characters.length <= 2 * keep + 1) return path;
  return `${characters.slice(0, keep).join('')}…${characters.slice(-keep).join('')}`;
}
