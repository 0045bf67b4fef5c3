import { isIP, type Socket, connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { type ByteSink, receiveChunkBytes } from '../../byteSink.js';
import { ChunkedBody } from './chunkedBody.js';
import { type Framing, framingOf, hasBareLineEnding, maximumHeadBytes, parseHead, type ResponseHead } from './responseHead.js';

/** Where a connection goes. */
export interface Origin {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
}

interface Exchange {
  resolveHead(head: ResponseHead): void;
  rejectHead(error: Error): void;
  resolveBody?(): void;
  rejectBody?(error: Error): void;
}

/**
 * One HTTP/1.1 client connection that reads into a single buffer of its own and hands a body's
 * bytes to a ByteSink straight from it, or reads a body straight into the sink's memory where the
 * sink offers it (ByteSink.space). node:http makes a new Buffer for every read; over a gigabyte
 * that churn of memory outside the heap sets off dozens of full garbage collections, and with them
 * about twice the CPU the transfer itself needs. One request at a time; the connection stays open
 * for the next one when the server allows.
 */
export class HttpConnection {
  private readonly socket: Socket;
  private readonly buffer = Buffer.allocUnsafeSlow(receiveChunkBytes);
  private phase: 'idle' | 'head' | 'body' | 'closed' = 'idle';
  private exchange: Exchange | undefined;
  private headText = '';
  private keepAlive = true;
  private framing: Framing = { kind: 'close' };
  private chunked = new ChunkedBody();
  private sink: ByteSink | undefined;
  /** Body bytes that came with the head, copied, until a sink is attached. */
  private held: Buffer | undefined;
  /** Why the connection closed, for a body asked for after it did. */
  private failure: Error | undefined;
  private stopWatchingAbort: () => void = () => undefined;
  /** Called once when the connection can no longer be used. */
  onClosed: () => void = () => undefined;

  constructor(
    readonly origin: Origin,
    private readonly timeoutMilliseconds: number,
  ) {
    const onread = {
      buffer: () => this.nextReadBuffer(),
      callback: (count: number, buffer: Uint8Array) => this.received(buffer === this.buffer ? this.buffer.subarray(0, count) : Buffer.from(buffer.buffer, buffer.byteOffset, count)),
    };
    // A literal IPv6 address comes in brackets, as in a URL; the socket wants it bare.
    const host = origin.hostname.replace(/^\[(.*)\]$/, '$1');
    const address = { host, port: origin.port, onread };
    // Server names go in the TLS hello; addresses may not.
    this.socket = origin.protocol === 'https:' ? connectTls({ ...address, ...(isIP(host) === 0 ? { servername: host } : {}) }) : connectTcp(address);
    this.socket.setNoDelay(true);
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('end', () => this.ended());
    this.socket.on('close', () => this.fail(connectionClosed()));
    this.socket.on('timeout', () => this.fail(Object.assign(new Error(`no answer from ${origin.hostname} for ${this.timeoutMilliseconds / 1000} s`), { name: 'TimeoutError' })));
  }

  private get closed(): boolean {
    return this.phase === 'closed';
  }

  /** True between responses on a connection the server keeps open. */
  get reusable(): boolean {
    return this.phase === 'idle' && this.keepAlive;
  }

  /** Sends a request without a body; resolves with the response head, before any of the body is taken. */
  send(request: string, abortSignal?: AbortSignal): Promise<ResponseHead> {
    if (this.phase !== 'idle') return Promise.reject(this.phase === 'closed' ? (this.failure ?? connectionClosed()) : new Error('an HTTP connection was given a request while busy'));
    this.phase = 'head';
    this.headText = '';
    this.socket.ref();
    this.socket.setTimeout(this.timeoutMilliseconds);
    // A body whose reader asked for a pause in its last bytes may have left the socket paused.
    this.socket.resume();
    const head = new Promise<ResponseHead>((resolveHead, rejectHead) => (this.exchange = { resolveHead, rejectHead }));
    if (abortSignal !== undefined) {
      const abort = (): void => this.fail(Object.assign(new Error('the request was aborted'), { name: 'AbortError' }));
      if (abortSignal.aborted) abort();
      else {
        abortSignal.addEventListener('abort', abort, { once: true });
        this.stopWatchingAbort = () => abortSignal.removeEventListener('abort', abort);
      }
    }
    this.socket.write(request);
    return head;
  }

  /** Hands the body to `sink` as it arrives; resolves once all of it is handed over. */
  receiveBody(sink: ByteSink): Promise<void> {
    if (this.phase !== 'body' || this.exchange === undefined || this.sink !== undefined) {
      return Promise.reject(this.phase === 'closed' ? (this.failure ?? connectionClosed()) : new Error('an HTTP connection was asked for a body it is not receiving'));
    }
    const exchange = this.exchange;
    const body = new Promise<void>((resolve, reject) => Object.assign(exchange, { resolveBody: resolve, rejectBody: reject }));
    this.sink = sink;
    const held = this.held ?? Buffer.alloc(0);
    this.held = undefined;
    if (this.deliver(held, 0)) this.socket.resume();
    return body;
  }

  /** Waits between requests: kept open, without holding the process. */
  park(): void {
    this.socket.setTimeout(0);
    this.socket.unref();
  }

  destroy(error: Error = connectionClosed()): void {
    this.fail(error);
  }

  /**
   * Where the next read goes: into the sink's own memory while it receives a body of known length
   * and offers some, into the connection's buffer otherwise. Node asks again after every read, so
   * once a body is over no read lands in its sink's memory, which may by then hold other bytes.
   */
  private nextReadBuffer(): Uint8Array {
    if (this.phase === 'body' && this.framing.kind === 'length' && this.framing.remaining > 0 && this.sink?.space !== undefined) {
      const space = this.sink.space(this.framing.remaining);
      if (space.length > 0) return space;
    }
    return this.buffer;
  }

  /** Everything that arrives; false pauses the socket until the sink asks for more. */
  private received(bytes: Buffer): boolean {
    let start = 0;
    if (this.phase === 'head') {
      start = this.readHead(bytes);
      if (start < 0) return !this.closed;
    }
    if (this.phase !== 'body') {
      // Bytes with no request to answer: the connection cannot be trusted with another one.
      if (start < bytes.length) this.keepAlive = false;
      return true;
    }
    if (this.sink === undefined) {
      this.held = Buffer.from(bytes.subarray(start));
      return false;
    }
    return this.deliver(bytes, start);
  }

  /** The index in `bytes` where the body starts, or -1 while the head is incomplete. */
  private readHead(bytes: Buffer): number {
    const before = this.headText.length;
    this.headText += bytes.toString('latin1', 0, Math.min(bytes.length, maximumHeadBytes + 4));
    const end = this.headText.indexOf('\r\n\r\n', Math.max(0, before - 3));
    // Checked as it arrives (a CR at the end may be half a CR LF): a head in bare LFs has no CR LF CR LF to wait for.
    if (hasBareLineEnding(end < 0 ? this.headText.replace(/\r$/, '') : this.headText.slice(0, end + 2))) {
      this.fail(new Error(`${this.origin.hostname} ended a line of its response head with a bare LF or CR: HTTP/1.1 ends lines with CR LF`));
      return -1;
    }
    if (end < 0) {
      if (this.headText.length > maximumHeadBytes) this.fail(new Error(`the response head from ${this.origin.hostname} is longer than ${maximumHeadBytes} bytes`));
      return -1;
    }
    const start = end + 4 - before;
    const head = parseHead(this.headText.slice(0, end));
    if (head === undefined) {
      this.fail(new Error(`${this.origin.hostname} sent a response that is not HTTP/1.1`));
      return -1;
    }
    // An interim answer (100 Continue) is followed by the real one.
    if (head.statusCode < 200) {
      this.headText = '';
      const next = start >= bytes.length ? -1 : this.readHead(bytes.subarray(start));
      return next < 0 ? -1 : start + next;
    }
    const connection = head.headers.connection?.toLowerCase() ?? '';
    this.keepAlive = head.version === '1.1' ? !connection.includes('close') : connection.includes('keep-alive');
    try {
      this.framing = framingOf(head);
    } catch (error) {
      this.fail(new Error(`${this.origin.hostname} sent a response with ${(error as Error).message}: where its body ends cannot be trusted`));
      return -1;
    }
    if (this.framing.kind === 'chunked') this.chunked = new ChunkedBody();
    if (this.framing.kind === 'close') this.keepAlive = false;
    this.phase = 'body';
    this.exchange?.resolveHead({ statusCode: head.statusCode, reason: head.reason, headers: head.headers });
    return start;
  }

  /** Hands body bytes from `start` on to the sink; false when it asked to wait. */
  private deliver(bytes: Buffer, start: number): boolean {
    let waiting: Promise<void> | undefined;
    let position = start;
    while (this.phase === 'body') {
      if ((this.framing.kind === 'length' && this.framing.remaining === 0) || (this.framing.kind === 'chunked' && this.chunked.done)) {
        // More in the same read is no second answer (one request at a time): the body's framing is wrong.
        if (position < bytes.length) this.fail(new Error(`${this.origin.hostname} sent more bytes than its ${this.framing.kind === 'length' ? `Content-Length (${this.framing.length})` : 'chunked body'} held`));
        else this.finishBody();
        break;
      }
      if (position >= bytes.length) break;
      let piece: Buffer | undefined;
      if (this.framing.kind === 'length') {
        const count = Math.min(this.framing.remaining, bytes.length - position);
        piece = bytes.subarray(position, position + count);
        this.framing.remaining -= count;
        position += count;
      } else if (this.framing.kind === 'close') {
        piece = bytes.subarray(position);
        position = bytes.length;
      } else {
        try {
          [piece, position] = this.chunked.next(bytes, position);
        } catch (error) {
          this.fail(new Error(`${this.origin.hostname} sent a malformed chunked body: ${(error as Error).message}`));
          break;
        }
      }
      if (piece !== undefined && piece.length > 0) waiting = this.sink!.take(piece) ?? waiting;
    }
    if (waiting === undefined) return !this.closed;
    waiting.then(
      () => !this.closed && this.socket.resume(),
      (error: Error) => this.fail(error),
    );
    return false;
  }

  private finishBody(): void {
    this.stopWatchingAbort();
    const exchange = this.exchange;
    this.phase = 'idle';
    this.exchange = undefined;
    this.sink = undefined;
    if (!this.keepAlive) {
      this.phase = 'closed';
      this.socket.destroy();
      this.onClosed();
    }
    exchange?.resolveBody?.();
  }

  private ended(): void {
    if (this.phase === 'body' && this.framing.kind === 'close') this.finishBody();
    else this.fail(connectionClosed());
  }

  private fail(error: Error): void {
    if (this.phase === 'closed') return;
    this.failure = error;
    this.stopWatchingAbort();
    const exchange = this.exchange;
    const inHead = this.phase === 'head';
    this.phase = 'closed';
    this.exchange = undefined;
    this.socket.destroy();
    this.onClosed();
    if (inHead) exchange?.rejectHead(error);
    // A failure before anyone asked for the body is reported when they do.
    else exchange?.rejectBody?.(error);
  }
}

/** Coded like a reset, so that the read is tried again on a new connection (see isTransientFailure). */
function connectionClosed(): Error {
  return Object.assign(new Error('the server closed the connection before the response ended'), { code: 'ECONNRESET' });
}
