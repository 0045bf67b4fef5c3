import { RemoteError } from '../../core/errors.js';

/** Error names S3 and its SDK give throttling and timeouts: the request may succeed a little later. */
const transientNames = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Connections refused, reset, timed out or not routed: the network, not the request. */
const transientCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

interface ServiceFailure {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
}

/**
 * Whether a failed read is worth another try: the failures the SDK's standard retry strategy
 * retries (throttling, a 429 or 5xx answer, a connection reset or timed out, a clock skew it has
 * just corrected), seen through the RemoteError that S3Remote wraps a request's failure in.
 * Everything else fails at once: stoat's own verdicts (a missing object, damage, a server that
 * ignores Range), refused credentials, a malformed answer, an abort.
 */
export function isTransientFailure(error: unknown): boolean {
  const failure = (error instanceof RemoteError ? error.cause : error) as ServiceFailure | undefined;
  if (typeof failure !== 'object' || failure === null) return false;
  const status = failure.$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  if (failure.$retryable !== undefined || failure.$metadata?.clockSkewCorrected === true) return true;
  return transientNames.has(failure.name ?? '') || transientCodes.has(failure.code ?? '');
}
