import { UsageError } from '../core/errors.js';
import { isSameTree } from '../core/treeDifference.js';
import { hashInputs } from '../engine/hashInputs.js';
import { verifyOutput } from '../engine/verifyOutput.js';
import { type CommandOutcome } from './commandOutcome.js';
import { parseOptions } from './parseOptions.js';
import { jsonLines } from './terminalOutput.js';

/** `stoat hash [--json] PATH...` */
export async function hashCommand(args: string[]): Promise<CommandOutcome> {
  const { values, positionals } = parse(args, 'hash');
  if (values.help) return { help: 'hash' };
  if (positionals.length === 0) throw new UsageError('stoat hash needs at least one PATH: a file, directory or glob');
  const inputs = await hashInputs(process.cwd(), positionals);
  if (values.json) return { lines: jsonLines(inputs), exitCode: 0 };
  return { lines: inputs.map((input) => `${input.md5}  ${input.sha1}  ${input.sha256}  ${input.size}  ${input.path}`), exitCode: 0 };
}

const verifyOptions = {
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
  's3-endpoint': { type: 'string' },
  's3-region': { type: 'string' },
  's3-force-path-style': { type: 'boolean' },
} as const;

/** `stoat verify PATH MANIFEST`: the manifest a file, a directory remote's path or `s3://…`, as the summary prints it. */
export async function verifyCommand(args: string[]): Promise<CommandOutcome> {
  const { values, positionals } = parseOptions(args, verifyOptions, 'verify');
  if (values.help) return { help: 'verify' };
  if (positionals.length !== 2) throw new UsageError('stoat verify needs two arguments: the file or directory, then the manifest (a file, or s3://… as the job summary prints it)');
  const s3 = { endpoint: values['s3-endpoint'], region: values['s3-region'], forcePathStyle: values['s3-force-path-style'] };
  const verification = await verifyOutput(positionals[0]!, positionals[1]!, s3);
  const exitCode = isSameTree(verification) ? 0 : 1;
  if (values.json) {
    const { added, removed, modified, tree } = verification;
    return { lines: jsonLines({ match: exitCode === 0, tree, expected_tree: verification.manifest.tree, added, removed, modified }), exitCode };
  }
  const lines = [
    ...verification.added.map((path) => `added     ${path}`),
    ...verification.removed.map((path) => `removed   ${path}`),
    ...verification.modified.map((path) => `modified  ${path}`),
  ];
  const counts = `${verification.added.length} added, ${verification.removed.length} removed, ${verification.modified.length} modified`;
  lines.push(exitCode === 0 ? `${positionals[0]} matches the manifest (tree ${verification.tree})` : `${positionals[0]} differs from the manifest: ${counts}`);
  return { lines, exitCode };
}

function parse(args: string[], name: string) {
  return parseOptions(args, { json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } }, name);
}
