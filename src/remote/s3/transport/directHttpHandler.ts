import { Readable } from 'node:stream';
import { type HttpHandlerOptions, type HttpRequest, type HttpResponse, type RequestHandlerOutput } from '@smithy/types';
import { HttpConnection, type Origin } from './httpConnection.js';
import { ResponseBody } from './responseBody.js';

/** An error answer's body is read whole for the SDK to parse; longer than this is no S3 error. */
const maximumErrorBodyBytes = 1024 * 1024;
/** A connection left idle this long is closed: below the keep-alive time of common servers. */
const idleMilliseconds = 4000;

/**
 * The SDK's transport for ranged GETs of large objects, on HttpConnections: the SDK still resolves
 * the endpoint, signs and parses errors; the bytes of a successful answer go from each
 * connection's one buffer to where they are written. Requests carry no body.
 */
export class DirectHttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly idle = new Map<string, Set<HttpConnection>>();
  private readonly idleTimers = new Map<HttpConnection, NodeJS.Timeout>();

  constructor(private readonly timeoutMilliseconds: number) {}

  async handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<RequestHandlerOutput<HttpResponse>> {
    if (request.body !== undefined && request.body !== null && request.body !== '') throw new Error(`DirectHttpHandler sends no request bodies (${request.method} ${request.path})`);
    const origin = originOf(request);
    const connection = this.take(origin);
    const head = await connection.send(requestText(request, origin), options.abortSignal as AbortSignal | undefined);
    const release = (): void => this.release(connection);
    let body: Readable;
    if (head.statusCode >= 200 && head.statusCode < 300) {
      body = new ResponseBody(connection, release);
    } else {
      body = Readable.from([await readWhole(connection, maximumErrorBodyBytes)]);
      release();
    }
    return { response: { statusCode: head.statusCode, reason: head.reason, headers: head.headers, body } };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  /** Closes the idle connections; those in use close as their responses end. */
  destroy(): void {
    for (const connections of this.idle.values()) for (const connection of connections) connection.destroy();
    this.idle.clear();
  }

  private take(origin: Origin): HttpConnection {
    const key = originKey(origin);
    const parked = this.idle.get(key);
    for (const connection of parked ?? []) {
      parked!.delete(connection);
      clearTimeout(this.idleTimers.get(connection));
      this.idleTimers.delete(connection);
      connection.onClosed = () => undefined;
      if (connection.reusable) return connection;
      connection.destroy();
    }
    return new HttpConnection(origin, this.timeoutMilliseconds);
  }

  private release(connection: HttpConnection): void {
    if (!connection.reusable) {
      connection.destroy();
      return;
    }
    const key = originKey(connection.origin);
    const parked = this.idle.get(key) ?? new Set<HttpConnection>();
    this.idle.set(key, parked);
    parked.add(connection);
    connection.park();
    this.idleTimers.set(connection, setTimeout(() => connection.destroy(), idleMilliseconds).unref());
    connection.onClosed = () => {
      clearTimeout(this.idleTimers.get(connection));
      this.idleTimers.delete(connection);
      parked.delete(connection);
    };
  }
}

function originOf(request: HttpRequest): Origin {
  const protocol = request.protocol === 'https:' || request.protocol === 'https' ? 'https:' : 'http:';
  return { protocol, hostname: request.hostname, port: request.port ?? (protocol === 'https:' ? 443 : 80) };
}

function originKey(origin: Origin): string {
  return `${origin.protocol}//${origin.hostname}:${origin.port}`;
}

function requestText(request: HttpRequest, origin: Origin): string {
  const query = queryString(request.query ?? {});
  const lines = [`${request.method} ${request.path}${query === '' ? '' : `?${query}`} HTTP/1.1`];
  const headers = Object.entries(request.headers);
  if (!headers.some(([name]) => name.toLowerCase() === 'host')) {
    const defaultPort = origin.protocol === 'https:' ? 443 : 80;
    lines.push(`host: ${origin.hostname}${origin.port === defaultPort ? '' : `:${origin.port}`}`);
  }
  for (const [name, value] of headers) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new Error(`the header ${JSON.stringify(name)} holds a line break`);
    lines.push(`${name}: ${value}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** As the SDK's own transport builds it: RFC 3986 escaping, which is what the signature covers. */
function queryString(query: Record<string, string | (string | null)[] | null>): string {
  const parts: string[] = [];
  for (const name of Object.keys(query).sort()) {
    const value = query[name];
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) parts.push(item === null || item === undefined ? escape(name) : `${escape(name)}=${escape(item)}`);
  }
  return parts.join('&');
}

function escape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

async function readWhole(connection: HttpConnection, maximumBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  await connection.receiveBody({
    take: (bytes) => {
      total += bytes.length;
      if (total > maximumBytes) return Promise.reject(new Error(`an error answer from ${connection.origin.hostname} is longer than ${maximumBytes} bytes`));
      chunks.push(Buffer.from(bytes));
      return undefined;
    },
  });
  return Buffer.concat(chunks);
}
