/** Which of a command's two output streams a piece of its output came from. */
export type CommandStream = 'stdout' | 'stderr';

/**
 * Where a step's command writes its output. runScript hands every piece to the sink as the
 * command writes it, so the output is shown live; a sink that shows several commands at once (each
 * line prefixed with its step) decides how to interleave them.
 */
export interface OutputSink {
  /** A piece of one stream as the command wrote it: whole lines are not promised (see lineOutput). */
  write(stream: CommandStream, chunk: Buffer): void;
  /** The command has ended and both its streams are closed: nothing more will be written. */
  end(): void;
  /**
   * When set, the command writes to these file descriptors of ours itself and write() is never
   * called: no byte passes through this process, and the command sees our terminal, so it keeps
   * its own line buffering and colours.
   */
  readonly descriptors?: { readonly stdout: number; readonly stderr: number };
}

/**
 * Straight through to our own output: the default, and the cheapest. `stdout` says where the
 * command's standard output goes: to ours, or to our standard error when ours carries a report
 * (`stoat exec --json`).
 */
export function directOutput(stdout: CommandStream = 'stdout'): OutputSink {
  const target = stdout === 'stdout' ? process.stdout : process.stderr;
  return {
    descriptors: { stdout: stdout === 'stdout' ? 1 : 2, stderr: 2 },
    write: (stream, chunk) => (stream === 'stdout' ? target : process.stderr).write(chunk),
    end: () => undefined,
  };
}
