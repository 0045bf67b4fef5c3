/** What the counting proxy saw between two reads of its counters. */
export interface Traffic {
  requests: number;
  /** Request body bytes: what the client uploaded. */
  bytesSent: number;
  /** Response body bytes: what the client downloaded. */
  bytesReceived: number;
  /**
   * Body bytes of requests for stoat's content objects (blobs and packs), as opposed to its
   * manifests and listings, so "nothing downloaded" can be told apart from "only the manifest read".
   */
  contentBytesSent: number;
  contentBytesReceived: number;
  /** Requests by `METHOD kind` (kind: blob, pack, manifest, list, multipart, object), to explain a count. */
  byKind: Record<string, number>;
  /**
   * Requests the proxy could not forward, or that the server answered with a 5xx. A client may
   * retry them and succeed, so they are reported beside the numbers rather than failing the case.
   */
  failures: number;
  /** The first few of them: `METHOD kind: status or error`, to tell the server's faults from the proxy's. */
  failureDetails: string[];
  /** Requests without a body resent by the proxy after its own kept-alive connection was reset: not counted twice. */
  proxyRetries: number;
}

export function emptyTraffic(): Traffic {
  return { requests: 0, bytesSent: 0, bytesReceived: 0, contentBytesSent: 0, contentBytesReceived: 0, byKind: {}, failures: 0, failureDetails: [], proxyRetries: 0 };
}

/** The path the proxy answers itself, with its counters, resetting them: it is never forwarded. */
export const countersPath = '/__stoat_bench__/counters';

/** Classifies a request by its URL (path-style: `/bucket/key?query`), using stoat's layout v1 names. */
export function requestKind(url: string): string {
  const [path = '', query = ''] = url.split('?', 2);
  const isMultipart = /(^|&)(uploads|uploadId=)/.test(query);
  let kind: string;
  if (path.includes('/stoat/v1/blobs/')) kind = 'blob';
  else if (path.includes('/stoat/v1/packs/')) kind = 'pack';
  else if (path.includes('/stoat/v1/outputs/')) kind = /\.json$/.test(path) ? 'manifest' : 'list';
  // A request for the bucket alone, with no key, is a listing.
  else if (/^\/[^/]+\/?$/.test(path)) kind = 'list';
  else kind = 'object';
  return isMultipart ? `${kind} multipart` : kind;
}

/** Whether a request moves stoat's file content (blobs, packs) rather than its metadata. */
export function isContent(url: string): boolean {
  return /\/stoat\/v1\/(blobs|packs)\//.test(url.split('?', 1)[0] ?? '');
}
