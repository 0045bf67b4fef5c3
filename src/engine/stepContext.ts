import { type GitHubRun } from '../core/githubRun.js';
import { type ScopePlan } from '../core/scope.js';
import { type HashCache } from '../hashing/index.js';
import { type TransferProgress } from '../core/transferProgress.js';
import { type Remote } from '../remote/remote.js';
import { type OutputSink } from './outputSink.js';

/** Where and how a step reads and writes: the same for the Action and the CLI. */
export interface StepContext {
  remote: Remote;
  scope: ScopePlan;
  concurrency: number;
  /** Turn remote errors into failures instead of warnings. */
  failOnCacheError: boolean;
  /** The command's environment, and where `env` names are looked up. */
  environment: NodeJS.ProcessEnv;
  /** The run on GitHub Actions this step is part of, for the provenance of what it saves. */
  github?: GitHubRun;
  /** Where transfers report progress; nothing is shown without it. */
  progress?: TransferProgress;
  /** Where the command's output goes; straight to ours when not given. */
  commandOutput?: OutputSink;
  /** The hash cache this process hashes through; undefined when every file is read. */
  hashCache?: HashCache;
}
