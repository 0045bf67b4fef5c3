export interface ResponseHead {
  statusCode: number;
  reason: string;
  /** Names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

/** How the end of a body is found: after a length, after a chunk of size 0, or when the connection closes. */
export type Framing = { kind: 'length'; length: number; remaining: number } | { kind: 'chunked' } | { kind: 'close' };

/** A response head longer than this is refused: S3's are a few hundred bytes. */
export const maximumHeadBytes = 64 * 1024;

/** A header name: an RFC 9110 token. A space before the colon, or a folded line, is no header. */
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * A CR or LF that is not part of a CR LF pair. Some parsers end lines at a bare LF and others do not,
 * so the same bytes can mean two answers: they are refused, as an answer no S3 server sends.
 */
export function hasBareLineEnding(text: string): boolean {
  return /\r(?!\n)|(?<!\r)\n/.test(text);
}

/** The status line and headers of a head (its lines without the blank one), or undefined when it is not HTTP/1.x. */
export function parseHead(text: string): (ResponseHead & { version: string }) | undefined {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const status = /^HTTP\/(1\.[01]) (\d{3})(?: (.*))?$/.exec(statusLine);
  if (status === null) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    if (colon <= 0 || !headerName.test(name)) return undefined;
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { version: status[1]!, statusCode: Number(status[2]), reason: status[3] ?? '', headers };
}

/**
 * Where the body of a final answer ends (RFC 9112 §6.3). Anything that could be read two ways is
 * refused, with the reason: both Transfer-Encoding and Content-Length, a coding other than chunked,
 * Content-Length values that differ or are not a number. The same value given twice is that value.
 */
export function framingOf(head: ResponseHead): Framing {
  if (head.statusCode === 204 || head.statusCode === 304) return { kind: 'length', length: 0, remaining: 0 };
  const coding = head.headers['transfer-encoding'];
  const length = head.headers['content-length'];
  if (coding !== undefined) {
    if (length !== undefined) throw new Error('both Transfer-Encoding and Content-Length');
    if (coding.toLowerCase() !== 'chunked') throw new Error(`Transfer-Encoding "${coding}", where only chunked is understood`);
    return { kind: 'chunked' };
  }
  if (length === undefined) return { kind: 'close' };
  const values = new Set(length.split(',').map((value) => value.trim()));
  if (values.size > 1) throw new Error(`conflicting Content-Length (${length})`);
  const [value = ''] = values;
  // Fifteen digits stay below 2^53: longer is no object S3 holds.
  if (!/^\d{1,15}$/.test(value)) throw new Error(`an invalid Content-Length (${length})`);
  return { kind: 'length', length: Number(value), remaining: Number(value) };
}
