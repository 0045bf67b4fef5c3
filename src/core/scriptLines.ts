/**
 * The script lines that join the command key, from the text of a script: the Action's `run` input,
 * or what `stoat exec -- ...` runs (scriptOfWords). Both faces go through this one rule, so a script
 * makes the same key in a workflow and on a laptop. Line breaks count as `\n` whatever the editor
 * wrote (a workflow saved on Windows), and blank lines at either end are no part of the script:
 * YAML's block scalars add a final newline.
 */
export function scriptLines(script: string): string[] {
  const lines = script.replace(/\r\n/g, '\n').split('\n');
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  return lines;
}
