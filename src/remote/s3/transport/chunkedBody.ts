import { maximumHeadBytes } from './responseHead.js';

/**
 * Reads the framing of a chunked body (RFC 9112 §7.1) as it arrives, a read at a time: each chunk's
 * size line (extensions ignored), its data, the CR LF after the data, and the trailer fields after
 * the last chunk (ignored). Anything else throws, with what was wrong: a size that is not all
 * hexadecimal digits, data longer than its size, a line not ended by CR LF.
 */
export class ChunkedBody {
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  private remaining = 0;
  private line = '';

  get done(): boolean {
    return this.state === 'done';
  }

  /** One step from `position`: the data found, if any, and where to go on. */
  next(bytes: Buffer, position: number): [Buffer | undefined, number] {
    if (this.state === 'data') {
      const count = Math.min(this.remaining, bytes.length - position);
      this.remaining -= count;
      if (this.remaining === 0) this.state = 'data-end';
      return [bytes.subarray(position, position + count), position + count];
    }
    const newline = bytes.indexOf(10, position);
    const stop = newline < 0 ? bytes.length : newline + 1;
    this.line += bytes.toString('latin1', position, stop);
    if (this.line.length > maximumHeadBytes) throw new Error(`a line longer than ${maximumHeadBytes} bytes`);
    if (newline >= 0) this.endLine();
    return [undefined, stop];
  }

  private endLine(): void {
    const line = this.line.slice(0, -2);
    if (!this.line.endsWith('\r\n') || line.includes('\r')) throw new Error('a line ended by a bare LF or CR');
    this.line = '';
    if (this.state === 'data-end') {
      if (line !== '') throw new Error('chunk data longer than its size');
      this.state = 'size';
    } else if (this.state === 'size') {
      // Thirteen hexadecimal digits stay below 2^53.
      const size = /^([0-9a-fA-F]{1,13})[ \t]*(?:;.*)?$/.exec(line);
      if (size === null) throw new Error(`a chunk size that is not a hexadecimal number (${JSON.stringify(line.slice(0, 40))})`);
      this.remaining = Number.parseInt(size[1]!, 16);
      this.state = this.remaining === 0 ? 'trailer' : 'data';
    } else if (line === '') {
      this.state = 'done';
    }
  }
}
