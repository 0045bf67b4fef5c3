import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../src/core/errors.js';
import type { PipelineProject } from '../../src/core/pipelineProject.js';
import { loadProject, type ProjectRequest } from '../../src/pipeline/loadProject.js';
import { withTemporaryDirectory, writeFiles } from '../core/temporaryDirectory.js';

/** Every path below `root`, sorted: to show that loading a project wrote nothing. */
export async function listing(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true })).map(String).sort();
}

/**
 * Writes `files` into a fresh folder and loads the project there (the folder itself unless
 * `request.project` says otherwise), checking that loading wrote nothing, whether it succeeds or not.
 */
export async function loadWritten(files: Record<string, string>, request: Partial<ProjectRequest> = {}): Promise<PipelineProject> {
  return withTemporaryDirectory(async (root) => {
    await writeFiles(root, files);
    const before = await listing(root);
    const loaded = await loadProject({ project: undefined, workingDirectory: root, vars: new Map(), environment: {}, ...request, ...(request.project === undefined ? {} : { project: join(root, request.project) }) }).then(
      (project) => ({ project }),
      (error: unknown) => ({ error }),
    );
    const after = await listing(root);
    if (after.join('\n') !== before.join('\n')) throw new Error(`loading the project wrote files: ${after.filter((path) => !before.includes(path)).join(', ')}`);
    if ('error' in loaded) throw loaded.error;
    return loaded.project;
  });
}

/** Loads a project.yml of `text`, with its path relative to the folder replaced by `project.yml` in messages. */
export async function loadText(text: string, request: Partial<ProjectRequest> = {}): Promise<PipelineProject> {
  try {
    return await loadWritten({ 'project.yml': text }, request);
  } catch (error) {
    if (error instanceof Error) error.message = error.message.replace(/^\/\S*\/project\.yml/, 'project.yml');
    throw error;
  }
}

/** For assert.rejects: a UsageError whose message matches `pattern`. */
export function usageErrorMatching(pattern: RegExp): (error: Error) => boolean {
  return (error) => {
    assert.ok(error instanceof UsageError, `${error.name}: ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  };
}
