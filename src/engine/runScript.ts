import { spawn } from 'node:child_process';

/**
 * Runs the step's script the way GitHub runs a `run:` step: bash without profiles, stopping at the
 * first failing command or pipe. Its output goes straight to ours, so the log shows it live; its
 * standard output goes to our standard error (file descriptor 2) when ours carries a report.
 */
export async function runScript(script: readonly string[], workingDirectory: string, environment: NodeJS.ProcessEnv, output: 'stdout' | 'stderr' = 'stdout'): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script.join('\n')], {
      cwd: workingDirectory,
      env: environment,
      stdio: ['inherit', output === 'stderr' ? 2 : 'inherit', 'inherit'],
    });
    child.on('error', (error) => reject(new Error(`could not start bash to run the command (${error.message}): install bash`)));
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128 + signalNumber(signal))));
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal] ?? 0;
}
