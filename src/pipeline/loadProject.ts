import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { errorMessage, UsageError } from '../core/errors.js';
import type { PipelineProject } from '../core/pipelineProject.js';
import { projectOverrides } from '../core/projectOverrides.js';
import { projectOfYaml } from '../core/projectSchema.js';
import { parseProjectYaml } from '../core/projectYaml.js';

export interface ProjectRequest {
  /** The project file, or the folder that holds it; the working directory when not given. */
  project: string | undefined;
  workingDirectory: string;
  /** `--vars.a.b VALUE` as `a.b` → `VALUE`: the name after `--vars.`, the value as given. */
  vars: ReadonlyMap<string, string>;
  /** Read for `env:` values and WEASEL_CONFIG_OVERRIDES. */
  environment: NodeJS.ProcessEnv;
}

/** The names a folder's project file may have, in the order they are looked for. */
export const projectFileNames = ['project.yml', 'stoat.yml'];

/**
 * Finds, reads, interpolates and checks a project file. Every problem with it is a UsageError naming
 * the file (and the line, when there is one) and what to do. It only reads: the folders the file
 * lists under `directories:` are made by whoever runs it.
 */
export async function loadProject(request: ProjectRequest): Promise<PipelineProject> {
  const file = await projectFile(request);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`the project file ${file} cannot be read (${errorMessage(error)}): check its permissions`);
  }
  const root = parseProjectYaml(text, file);
  return projectOfYaml(root, { file, directory: dirname(file), overrides: projectOverrides(request.vars, request.environment), environment: request.environment });
}

async function projectFile(request: ProjectRequest): Promise<string> {
  const given = resolve(request.workingDirectory, request.project ?? '.');
  const kind = await kindOf(given);
  if (kind === 'file') return given;
  if (kind === undefined) {
    throw new UsageError(`the project ${given} does not exist: give --project the project.yml, or the folder that holds it`);
  }
  for (const name of projectFileNames) {
    const candidate = join(given, name);
    if ((await kindOf(candidate)) === 'file') return candidate;
  }
  const where = request.project === undefined ? `the working directory ${given}` : given;
  throw new UsageError(`${where} holds no ${projectFileNames.join(' or ')}: run stoat in the project's folder, or give --project FILE_OR_FOLDER`);
}

async function kindOf(path: string): Promise<'file' | 'folder' | undefined> {
  try {
    return (await stat(path)).isDirectory() ? 'folder' : 'file';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new UsageError(`${path} cannot be looked at (${errorMessage(error)}): check its permissions`);
  }
}
