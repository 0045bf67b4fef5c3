import { type GitHubRun } from '../core/githubRun.js';
import { type TransferProgress } from '../core/transferProgress.js';
import { useHashCache } from '../hashing/index.js';
import { openRemote } from '../remote/openRemote.js';
import { actionsCacheKeys } from '../store/layout.js';
import { withOutageBreaker } from '../remote/outageBreaker.js';
import { type S3Options } from '../remote/s3/s3Options.js';
import { planScope, type ScopeChoice } from './githubScope.js';
import { type OutputSink } from './outputSink.js';
import { type StepContext } from './stepContext.js';

/** What a face says about where and how a step runs, in words of its own inputs or options. */
export interface StepContextSettings {
  /** The remote as given: `s3://bucket/prefix`, `file:///path` or a directory. */
  remote: string;
  s3: S3Options;
  /** Where a relative directory remote is found: the step's working directory. */
  workingDirectory: string;
  scope: ScopeChoice;
  concurrency: number;
  failOnCacheError: boolean;
  environment: NodeJS.ProcessEnv;
  /** The run on GitHub Actions as the face read it, or undefined outside GitHub Actions. */
  github: GitHubRun | undefined;
  progress: TransferProgress;
  commandOutput: OutputSink;
  /** The hash cache's folder (see "The hash cache" in the README); undefined: every file is read, every time. */
  hashCache?: string;
}

/**
 * The one way a face's settings become a step's context: the remote opened (behind a breaker that
 * stops asking a remote that is down), and the scope planned from the run (on GitHub Actions the
 * event decides it, for the CLI as for the Action). The hash cache chosen becomes the process's.
 */
export async function stepContextOf(settings: StepContextSettings): Promise<StepContext> {
  return {
    remote: withOutageBreaker(await openRemote(settings.remote, settings.workingDirectory, settings.s3, actionsCacheKeys)),
    scope: planScope(settings.github, settings.scope),
    github: settings.github,
    concurrency: settings.concurrency,
    failOnCacheError: settings.failOnCacheError,
    environment: settings.environment,
    progress: settings.progress,
    commandOutput: settings.commandOutput,
    hashCache: useHashCache(settings.hashCache),
  };
}
