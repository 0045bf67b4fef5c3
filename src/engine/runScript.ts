import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { shellWords } from '../core/shellWords.js';
import { directOutput, type OutputSink } from './outputSink.js';

/**
 * Runs the step's script the way GitHub runs a `run:` step: bash without profiles, stopping at the
 * first failing command or pipe. Its output goes to `output` as it is written, so the log shows it
 * live; by default straight to ours.
 */
export async function runScript(script: readonly string[], workingDirectory: string, environment: NodeJS.ProcessEnv, output: OutputSink = directOutput()): Promise<number> {
  try {
    return await runProgram('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script.join('\n')], { workingDirectory, environment, output }).catch((error: Error) => {
      throw new Error(`could not start bash to run the command (${error.message}): install bash`);
    });
  } finally {
    output.end();
  }
}

/**
 * Runs the script the way Weasel runs a project command: each line split into words like a shell
 * would (shellWords) and started as a program without a shell, one after another, stopping at the
 * first that fails. A program that cannot be started fails its line with a message on the
 * command's standard error, as a shell's "command not found" would, so the step fails, not stoat.
 */
export async function runWords(script: readonly string[], workingDirectory: string, environment: NodeJS.ProcessEnv, output: OutputSink = directOutput()): Promise<number> {
  try {
    for (const line of script) {
      const [program, ...args] = shellWords(line);
      if (program === undefined) continue;
      const exitCode = await runProgram(program, args, { workingDirectory, environment, output }).catch((error: NodeJS.ErrnoException) => {
        const why = error.code !== 'ENOENT' ? error.message : existsSync(workingDirectory) ? 'not found: install it or fix the PATH' : `the working directory ${workingDirectory} does not exist`;
        writeProblem(output, `could not start "${program}" (${why})\n`);
        return error.code === 'ENOENT' ? 127 : 126;
      });
      if (exitCode !== 0) return exitCode;
    }
    return 0;
  } finally {
    output.end();
  }
}

interface ProgramPlace {
  workingDirectory: string;
  environment: NodeJS.ProcessEnv;
  output: OutputSink;
}

/** One program to its end: its exit code, or 128 + the signal that ended it. Rejects when it cannot start. */
function runProgram(program: string, args: readonly string[], place: ProgramPlace): Promise<number> {
  const descriptors = place.output.descriptors;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: place.workingDirectory,
      env: place.environment,
      stdio: ['inherit', descriptors?.stdout ?? 'pipe', descriptors?.stderr ?? 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => place.output.write('stdout', chunk));
    child.stderr?.on('data', (chunk: Buffer) => place.output.write('stderr', chunk));
    child.on('error', reject);
    // 'close' comes after both streams have ended, so the sink has had every byte.
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128 + signalNumber(signal))));
  });
}

/** A line of our own among the command's output, where the command's standard error goes. */
function writeProblem(output: OutputSink, text: string): void {
  if (output.descriptors === undefined) output.write('stderr', Buffer.from(text));
  else process.stderr.write(text);
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal] ?? 0;
}
