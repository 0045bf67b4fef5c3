import { UsageError } from '../../core/errors.js';

/**
 * How the ranged parts of a large object are fetched: `direct` on connections of stoat's own
 * (transport/: a third of the client CPU per GiB of the SDK's handler, BENCHMARKS.md), `sdk`
 * through the SDK's own request handler, the one every other request takes.
 */
export type LargeReadTransport = 'direct' | 'sdk';

/** Set to `sdk` or `direct` to choose, whatever the proxy variables say. */
export const transportVariable = 'STOAT_S3_TRANSPORT';

/**
 * Variables that route HTTP through a proxy: the proxy URLs (either case, as curl and Node read
 * them) and Node's own switch for honouring them. The direct transport opens its sockets itself and
 * would pass any proxy by, while the SDK's handler goes through Node's agents, where a proxy applies.
 */
const proxyVariables = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NODE_USE_ENV_PROXY'];

/**
 * The transport for large ranged reads. A proxy in the environment sends them through the SDK's
 * handler, so that they go where the other requests go; `--use-env-proxy` in NODE_OPTIONS is the
 * flag form of NODE_USE_ENV_PROXY.
 */
export function largeReadTransport(environment: NodeJS.ProcessEnv): LargeReadTransport {
  const chosen = environment[transportVariable]?.trim() ?? '';
  if (chosen === 'sdk' || chosen === 'direct') return chosen;
  if (chosen !== '') throw new UsageError(`${transportVariable} is "${chosen}": set it to sdk or direct, or leave it unset`);
  const proxied = proxyVariables.some((name) => (environment[name] ?? '') !== '') || /(^|\s)--use-env-proxy\b/.test(environment.NODE_OPTIONS ?? '');
  return proxied ? 'sdk' : 'direct';
}
