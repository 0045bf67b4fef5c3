import { type PipelineProject } from '../core/pipelineProject.js';

/**
 * The remote a pipeline command uses: `--remote` (a name from the file's `remotes`, or a URL), else
 * the file's `stoat: remote`, else its `remotes: default`, as Weasel's push and pull choose; undefined
 * leaves the choice to the face's own default.
 */
export function pipelineRemote(project: PipelineProject, given: string | undefined): string | undefined {
  const chosen = given ?? project.remote ?? project.remotes.get('default');
  return chosen === undefined ? undefined : (project.remotes.get(chosen) ?? chosen);
}

/** Where pipelineRemote found the remote, for an error about it; undefined when it was given, or none was found. */
export function pipelineRemoteOrigin(project: PipelineProject, given: string | undefined): string | undefined {
  if (given !== undefined) return undefined;
  if (project.remote !== undefined) return `the stoat: remote of ${project.file}`;
  return project.remotes.has('default') ? `the remotes: default of ${project.file}` : undefined;
}
