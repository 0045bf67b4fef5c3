/**
 * The "at …" lines of an error's stack, without the message V8 puts first: a message from a remote
 * can hold line breaks, and split into lines it would print as lines of its own.
 */
export function stackFrames(error: Error): string[] {
  const lines = (error.stack ?? '').split('\n');
  const messageLines = error.message.split('\n').length;
  return lines.slice(messageLines).filter((line) => /^\s+at /.test(line));
}
