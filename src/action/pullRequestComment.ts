import * as core from '@actions/core';
import { errorMessage } from '../core/errors.js';
import { type GitHubRun, runUrl } from '../core/githubRun.js';
import { printable } from '../core/printable.js';
import { type JobRow, renderJobTable } from '../report/jobTable.js';
import { readGitHubRun } from './githubRun.js';

/** What the comment needs from the inputs: whether to write one, and the token that may. */
export interface CommentSettings {
  enabled: boolean;
  token: string;
}

/** Each call to GitHub's API gives up after this: a comment is never worth a hung step. */
const requestTimeoutMs = 15_000;
/** Comments of a pull request looked through for the marker: 30 pages of 100. */
const pagesSearched = 30;
/** Who may have written the comment this job updates: the job's own token (a bot) or someone with write access. */
const trustedAssociations = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

export function readCommentSettings(environment: NodeJS.ProcessEnv): CommentSettings {
  const enabled = core.getInput('comment').toLowerCase() === 'true';
  return { enabled, token: core.getInput('github-token') || environment.GITHUB_TOKEN || '' };
}

/**
 * Writes the job's table of stoat steps into one comment on the pull request, found by a hidden
 * marker for this workflow and job and updated in place, so a job run again or many times keeps
 * one comment. Through @actions/github's Octokit (GITHUB_API_URL), with the job's token. A token
 * that cannot write (a pull request from a fork, a job without `pull-requests: write`) or an API
 * that fails is a notice: the comment is a view of the summary, never a reason to fail the step.
 */
export async function updatePullRequestComment(settings: CommentSettings, rows: readonly JobRow[], environment: NodeJS.ProcessEnv): Promise<void> {
  if (!settings.enabled) return;
  const github = await readGitHubRun();
  const number = github?.pullRequestNumber;
  const [owner, repo] = (github?.repository ?? '').split('/');
  if (github === undefined || number === undefined || owner === undefined || repo === undefined || repo === '') {
    core.info('stoat: comment is true, but this run is for no pull request: there is nothing to comment on');
    return;
  }
  if (settings.token === '') {
    core.notice('stoat could not comment on the pull request: no token (give the input github-token, which defaults to the job\'s GITHUB_TOKEN)');
    return;
  }
  const marker = commentMarker(github.workflow ?? '', environment.GITHUB_JOB ?? '');
  const body = `${marker}\n${renderJobTable(rows, `stoat in ${github.workflow ?? 'this workflow'} / ${environment.GITHUB_JOB ?? 'this job'}`)}${summaryLink(github)}\n`;
  try {
    const { getOctokit } = await import('@actions/github');
    const octokit = getOctokit(settings.token, { baseUrl: environment.GITHUB_API_URL || 'https://api.github.com' });
    const request = { request: { signal: AbortSignal.timeout(requestTimeoutMs) } };
    const found = await findComment(octokit, { owner, repo, issue_number: number }, marker);
    if (found === undefined) await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body, ...request });
    else await octokit.rest.issues.updateComment({ owner, repo, comment_id: found, body, ...request });
  } catch (error) {
    core.notice(printable(`stoat could not write its pull-request comment (${errorMessage(error)}): ${cannotWriteAdvice(error)}`));
  }
}

/** Hidden in the rendered comment; the names are encoded so no text can close the HTML comment early. */
export function commentMarker(workflow: string, job: string): string {
  return `<!-- stoat-summary workflow=${encodeURIComponent(workflow)} job=${encodeURIComponent(job)} -->`;
}

type Octokit = ReturnType<(typeof import('@actions/github'))['getOctokit']>;

/** The id of this job's comment: one that starts with the marker, written by a bot or someone with write access. */
async function findComment(octokit: Octokit, issue: { owner: string; repo: string; issue_number: number }, marker: string): Promise<number | undefined> {
  let pages = 0;
  const listing = octokit.paginate.iterator(octokit.rest.issues.listComments, { ...issue, per_page: 100, request: { signal: AbortSignal.timeout(requestTimeoutMs) } });
  for await (const page of listing) {
    const match = page.data.find((comment) => comment.body?.startsWith(marker) === true && (comment.user?.type === 'Bot' || trustedAssociations.has(comment.author_association)));
    if (match !== undefined) return match.id;
    if (++pages >= pagesSearched) break;
  }
  return undefined;
}

function summaryLink(github: GitHubRun): string {
  const url = runUrl(github);
  return url === null ? '' : `The reasons, the outputs and the input-hash reports are in [the job summary](${url}).`;
}

function cannotWriteAdvice(error: unknown): string {
  const status = (error as { status?: unknown }).status;
  if (status === 401 || status === 403 || status === 404) {
    return 'the token cannot write comments here: a pull request from a fork gets a read-only token, and a job needs `permissions: pull-requests: write`; the job summary has everything the comment would';
  }
  return 'the job summary has everything the comment would';
}
