import { spawn } from 'node:child_process';
import { directOutput, type OutputSink } from './outputSink.js';

/**
 * Runs the step's script the way GitHub runs a `run:` step: bash without profiles, stopping at the
 * first failing command or pipe. Its output goes to `output` as it is written, so the log shows it
 * live; by default straight to ours.
 */
export async function runScript(script: readonly string[], workingDirectory: string, environment: NodeJS.ProcessEnv, output: OutputSink = directOutput()): Promise<number> {
  const descriptors = output.descriptors;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script.join('\n')], {
      cwd: workingDirectory,
      env: environment,
      stdio: ['inherit', descriptors?.stdout ?? 'pipe', descriptors?.stderr ?? 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => output.write('stdout', chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.write('stderr', chunk));
    child.on('error', (error) => reject(new Error(`could not start bash to run the command (${error.message}): install bash`)));
    // 'close' comes after both streams have ended, so the sink has had every byte.
    child.on('close', (code, signal) => {
      output.end();
      resolve(code ?? (signal === null ? 1 : 128 + signalNumber(signal)));
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal] ?? 0;
}
