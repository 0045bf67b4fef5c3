/** The variables that say a process runs on GitHub Actions, and which run: cleared unless given. */
const githubVariables = ['GITHUB_ACTIONS', 'GITHUB_EVENT_NAME', 'GITHUB_EVENT_PATH', 'GITHUB_REF', 'GITHUB_SHA', 'GITHUB_REPOSITORY', 'GITHUB_RUN_ID', 'GITHUB_RUN_ATTEMPT', 'GITHUB_WORKFLOW'];

/**
 * Runs `use` with `variables` set in this process's environment (the GitHub ones not given are
 * unset), then puts the environment back: for code that reads the environment itself, as
 * @actions/github's context does.
 */
export async function withEnvironment<T>(variables: NodeJS.ProcessEnv, use: () => Promise<T>): Promise<T> {
  const names = new Set([...githubVariables, ...Object.keys(variables)]);
  const saved = new Map([...names].map((name) => [name, process.env[name]]));
  for (const name of names) {
    if (variables[name] === undefined) delete process.env[name];
    else process.env[name] = variables[name];
  }
  try {
    return await use();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
