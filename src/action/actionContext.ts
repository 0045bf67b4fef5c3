import { planScope } from '../engine/githubScope.js';
import { type StepContext } from '../engine/stepContext.js';
import { openRemote } from '../remote/openRemote.js';
import { logProgress } from '../report/progressDisplay.js';
import { logLines } from './actionLog.js';
import { type ActionInputs } from './actionInputs.js';
import { readGitHubRun } from './githubRun.js';

export async function actionContext(inputs: ActionInputs, environment: NodeJS.ProcessEnv): Promise<StepContext> {
  const github = await readGitHubRun();
  return {
    remote: await openRemote(inputs.remote, inputs.definition.workingDirectory, inputs.s3),
    scope: planScope(github, { scope: inputs.scope, trustedRefs: inputs.trustedRefs, fallback: 'local' }),
    github,
    concurrency: inputs.concurrency,
    failOnCacheError: inputs.failOnCacheError,
    environment,
    progress: logProgress((line) => logLines([`stoat: ${line}`])),
  };
}
