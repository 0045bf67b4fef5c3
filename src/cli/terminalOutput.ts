import { printable } from '../core/printable.js';

/**
 * The one way the CLI writes text. Every line goes through printable(), so nothing from a remote or
 * the file system can start a line of its own (a forged workflow command when the CLI runs in CI),
 * move the cursor or reorder what is shown. Callers hand over lines; a line break inside one is
 * shown as `\u000a`, never obeyed.
 */
export function writeLines(stream: NodeJS.WritableStream, lines: readonly string[]): void {
  if (lines.length === 0) return;
  stream.write(lines.map((line) => `${printable(line)}\n`).join(''));
}

/**
 * JSON as lines. JSON.stringify escapes line breaks and C0 controls inside strings itself; the rest
 * that printable() escapes can only occur inside strings, where `\uXXXX` means the same character,
 * so the printed text still parses to the raw value.
 */
export function jsonLines(value: unknown): string[] {
  return JSON.stringify(value, null, 2).split('\n');
}
