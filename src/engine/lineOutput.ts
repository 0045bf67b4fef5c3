import { StringDecoder } from 'node:string_decoder';
import { type CommandStream, type OutputSink } from './outputSink.js';

/**
 * A sink that hands over whole lines, without their line break: each stream's lines in the order
 * the command wrote them, each as soon as it is complete. A last line without a line break is
 * handed over when the command ends. Characters split between two pieces of output are joined
 * before decoding, so a line is never cut inside a UTF-8 sequence.
 */
export function lineOutput(onLine: (stream: CommandStream, line: string) => void): OutputSink {
  const streams = { stdout: new PartialLine(), stderr: new PartialLine() };
  return {
    write(stream, chunk) {
      for (const line of streams[stream].add(chunk)) onLine(stream, line);
    },
    end() {
      for (const stream of ['stdout', 'stderr'] as const) {
        const rest = streams[stream].finish();
        if (rest !== undefined) onLine(stream, rest);
      }
    },
  };
}

/** One stream's text since its last line break. */
class PartialLine {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** The lines this piece completes. */
  add(chunk: Buffer): string[] {
    const lines = (this.pending + this.decoder.write(chunk)).split('\n');
    this.pending = lines.pop()!;
    return lines;
  }

  /** The last line, when the stream did not end with a line break. */
  finish(): string | undefined {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest === '' ? undefined : rest;
  }
}
