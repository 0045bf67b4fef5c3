/**
 * Makes text safe to print on a terminal or in a GitHub Actions log. Text that comes from a remote
 * (an error body, a manifest) or from the file system (a file name) may hold a newline followed by
 * `::error::…` (a forged workflow command), terminal escape codes, or characters that reorder the
 * line. Each such character is shown as a `\uXXXX` escape instead, so it is visible and inert.
 * The escape is also valid JSON, so a line of JSON text stays JSON that parses to the same value.
 */
export function printable(text: string): string {
  // C0 controls (newline, escape), DEL, C1 controls, the line and paragraph separators, and the
  // bidirectional marks, overrides and isolates that can make a line read differently from what it holds.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
