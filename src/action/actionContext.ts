import { directOutput } from '../engine/outputSink.js';
import { type StepContext } from '../engine/stepContext.js';
import { stepContextOf } from '../engine/stepContextOf.js';
import { logProgress } from '../report/progressDisplay.js';
import { logLines, logWarning } from './actionLog.js';
import { exportCacheRuntime } from './exportRuntime.js';
import { withChoiceShown } from './remoteChoice.js';
import { type SharedInputs } from './actionInputs.js';
import { readGitHubRun } from './githubRun.js';

/** The step's context from the Action's inputs: progress as log lines, the command's output straight to the log. */
export async function actionContext(inputs: SharedInputs, environment: NodeJS.ProcessEnv): Promise<StepContext> {
  if (inputs.exportRuntime) exportCacheRuntime(environment);
  if (inputs.remoteChoice.warning !== undefined) logWarning(inputs.remoteChoice.warning);
  const context = await stepContextOf({
    remote: inputs.remote,
    s3: inputs.s3,
    workingDirectory: inputs.workingDirectory,
    scope: { scope: inputs.scope, trustedRefs: inputs.trustedRefs, fallback: 'local' },
    concurrency: inputs.concurrency,
    failOnCacheError: inputs.failOnCacheError,
    environment,
    github: await readGitHubRun(),
    progress: logProgress((line) => logLines([`stoat: ${line}`])),
    commandOutput: directOutput(),
    hashCache: inputs.hashCache,
  });
  // When the Action chose the remote, the summary says why beside it.
  const reason = inputs.remoteChoice.reason;
  return reason === undefined ? context : { ...context, remote: withChoiceShown(context.remote, reason) };
}
