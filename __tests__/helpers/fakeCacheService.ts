import { BlobSASPermissions, BlobServiceClient, type ContainerClient, generateBlobSASQueryParameters, StorageSharedKeyCredential } from '@azure/storage-blob';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type Azurite, azuriteAccount } from './azurite.js';
import { listenOnLoopback } from './loopbackServer.js';

/**
 * A local stand-in for GitHub's cache service: the three Twirp calls @actions/cache 6.x makes
 * (CreateCacheEntry, FinalizeCacheEntryUpload, GetCacheEntryDownloadURL), handing out Azurite URLs
 * for the archives, as the real service hands out Azure Blob URLs. It keeps what the real service
 * is known to keep: entries per branch scope taken from the token, readable scopes searched in
 * order, an exact key before the newest-created prefix match, keys matched regardless of case, a
 * key that exists in the writer's scope refused with 409, read-only tokens refused with `ok: false`
 * and `cache write denied:`. Tests make faults happen: any status on the next call of a method, a
 * call that never answers, an evicted entry.
 */

export type TwirpMethod = 'CreateCacheEntry' | 'FinalizeCacheEntryUpload' | 'GetCacheEntryDownloadURL';

export interface FakeEntry {
  key: string;
  version: string;
  scope: string;
  blob: string;
  finalized: boolean;
  size: number;
  /** Creation order: later entries win prefix matches. */
  created: number;
}

/** A fault for the next call of a method: an HTTP status with a Twirp error, a 200 with `ok: false`, or no answer at all. */
export type Fault = { status: number; code?: string; msg: string; retryAfter?: number } | { okFalse: string } | 'hang';

export interface ScopeGrant {
  scope: string;
  write: boolean;
}

export interface FakeCacheService {
  /** ACTIONS_RESULTS_URL. */
  url: string;
  /** Every entry, finalized or reserved. */
  entries: FakeEntry[];
  /** Calls per method so far. */
  calls: Record<TwirpMethod, number>;
  /** A token shaped like the runner's: its `ac` claim grants the scopes, searched in the order given. */
  token(scopes: readonly ScopeGrant[]): string;
  /** The variables a process needs to use this service with `token`. */
  environment(token: string): Record<string, string>;
  failNext(method: TwirpMethod, fault: Fault): void;
  /** Removes the entry (as eviction does) and its archive. */
  evict(key: string): Promise<void>;
  /** Overwrites an entry's archive with other bytes. */
  overwriteArchive(key: string, bytes: Uint8Array): Promise<void>;
  stop(): Promise<void>;
}

const service = '/twirp/github.actions.results.api.v1.CacheService/';

/**
 * Starts the fake on a free loopback port. With `productionHost`, the archive URLs it hands out name
 * `devstoreaccount1.blob.core.windows.net` (Azurite takes the account from the host name): the host
 * that makes @actions/cache download through the Azure SDK, in ranged parts, as on GitHub. The
 * processes using it must then resolve that host to loopback (blobHostPreload.mjs).
 */
export async function startFakeCacheService(azurite: Azurite, options: { productionHost?: boolean } = {}): Promise<FakeCacheService> {
  const credential = new StorageSharedKeyCredential(azuriteAccount.name, azuriteAccount.key);
  const containerName = `cache-${randomBytes(6).toString('hex')}`;
  const container = new BlobServiceClient(`${azurite.endpoint}/${azuriteAccount.name}`, credential).getContainerClient(containerName);
  await container.create();
  const blobBase = options.productionHost ? `http://${azuriteAccount.name}.blob.core.windows.net:${azurite.port}` : `${azurite.endpoint}/${azuriteAccount.name}`;
  const state: State = { entries: [], calls: { CreateCacheEntry: 0, FinalizeCacheEntryUpload: 0, GetCacheEntryDownloadURL: 0 }, faults: new Map(), created: 0 };
  const signedUrl = (blob: string, permissions: string): string => {
    const now = Date.now();
    const sas = generateBlobSASQueryParameters({ containerName, blobName: blob, permissions: BlobSASPermissions.parse(permissions), startsOn: new Date(now - 60_000), expiresOn: new Date(now + 3_600_000) }, credential);
    return `${blobBase}/${containerName}/${blob}?${sas.toString()}`;
  };
  const server = createServer((request, response) => void answer(request, response, state, container, signedUrl));
  const listening = await listenOnLoopback(server);
  const fake: FakeCacheService = {
    url: `${listening.url}/`,
    entries: state.entries,
    calls: state.calls,
    token: (scopes) => jwtShaped({ ac: JSON.stringify(scopes.map(({ scope, write }) => ({ Scope: scope, Permission: write ? 3 : 1 }))) }),
    environment: (token) => ({ ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: fake.url, ACTIONS_RUNTIME_TOKEN: token }),
    failNext: (method, fault) => state.faults.set(method, [...(state.faults.get(method) ?? []), fault]),
    async evict(key) {
      for (const entry of state.entries.filter((candidate) => candidate.key.toLowerCase() === key.toLowerCase())) {
        state.entries.splice(state.entries.indexOf(entry), 1);
        await container.deleteBlob(entry.blob).catch(() => undefined);
      }
    },
    async overwriteArchive(key, bytes) {
      const entry = state.entries.find((candidate) => candidate.key.toLowerCase() === key.toLowerCase())!;
      await container.getBlockBlobClient(entry.blob).uploadData(bytes);
      entry.size = bytes.length;
    },
    async stop() {
      await listening.stop();
      await container.delete().catch(() => undefined);
    },
  };
  return fake;
}

interface State {
  entries: FakeEntry[];
  calls: Record<TwirpMethod, number>;
  faults: Map<TwirpMethod, Fault[]>;
  created: number;
}

type Body = { key: string; version: string; restore_keys?: string[]; size_bytes?: string };

async function answer(request: IncomingMessage, response: ServerResponse, state: State, container: ContainerClient, signedUrl: (blob: string, permissions: string) => string): Promise<void> {
  const method = request.url?.startsWith(service) ? (request.url.slice(service.length) as TwirpMethod) : undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (method === undefined || !(method in state.calls)) return reply(response, 404, { code: 'bad_route', msg: `no such method: ${request.url}` });
  state.calls[method] += 1;
  const fault = state.faults.get(method)?.shift();
  if (fault === 'hang') return;
  if (fault !== undefined && 'okFalse' in fault) return reply(response, 200, { ok: false, message: fault.okFalse });
  if (fault !== undefined) return reply(response, fault.status, { code: fault.code ?? 'internal', msg: fault.msg }, fault.retryAfter);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body;
  const scopes = scopesOf(request.headers.authorization ?? '');
  if (method === 'CreateCacheEntry') return create(response, state, body, scopes, signedUrl);
  if (method === 'FinalizeCacheEntryUpload') return finalize(response, state, body, scopes, container);
  return lookUp(response, state, body, scopes, signedUrl);
}

function create(response: ServerResponse, state: State, body: Body, scopes: ScopeGrant[], signedUrl: (blob: string, permissions: string) => string): void {
  const scope = scopes.find((grant) => grant.write)?.scope;
  if (scope === undefined) return reply(response, 200, { ok: false, message: 'cache write denied: token has no writable cache scope' });
  if (state.entries.some((entry) => entry.scope === scope && entry.version === body.version && entry.key.toLowerCase() === body.key.toLowerCase())) {
    return reply(response, 409, { code: 'already_exists', msg: 'cache entry with the same key, version, and scope already exists' });
  }
  const blob = randomUUID();
  state.entries.push({ key: body.key, version: body.version, scope, blob, finalized: false, size: 0, created: 0 });
  reply(response, 200, { ok: true, signed_upload_url: signedUrl(blob, 'cw') });
}

async function finalize(response: ServerResponse, state: State, body: Body, scopes: ScopeGrant[], container: ContainerClient): Promise<void> {
  const scope = scopes.find((grant) => grant.write)?.scope;
  const entry = state.entries.find((candidate) => !candidate.finalized && candidate.scope === scope && candidate.version === body.version && candidate.key.toLowerCase() === body.key.toLowerCase());
  if (entry === undefined) return reply(response, 404, { code: 'not_found', msg: 'no reserved entry with this key' });
  const size = await container.getBlobClient(entry.blob).getProperties().then((properties) => properties.contentLength ?? -1, () => -1);
  if (String(size) !== body.size_bytes) return reply(response, 200, { ok: false, message: `the upload is ${size} bytes, not ${body.size_bytes}` });
  Object.assign(entry, { finalized: true, size, created: ++state.created });
  reply(response, 200, { ok: true, entry_id: String(state.created) });
}

/** Each readable scope in order; in each, each key: an exact match first, else the newest entry it prefixes. */
function lookUp(response: ServerResponse, state: State, body: Body, scopes: ScopeGrant[], signedUrl: (blob: string, permissions: string) => string): void {
  if (scopes.length === 0) return reply(response, 403, { code: 'permission_denied', msg: 'cache read denied: token has no readable cache scope' });
  for (const { scope } of scopes) {
    const usable = state.entries.filter((entry) => entry.finalized && entry.scope === scope && entry.version === body.version);
    for (const key of [body.key, ...(body.restore_keys ?? [])].map((text) => text.toLowerCase())) {
      const exact = usable.find((entry) => entry.key.toLowerCase() === key);
      const found = exact ?? usable.filter((entry) => entry.key.toLowerCase().startsWith(key)).sort((a, b) => b.created - a.created)[0];
      if (found !== undefined) return reply(response, 200, { ok: true, signed_download_url: signedUrl(found.blob, 'r'), matched_key: found.key });
    }
  }
  reply(response, 200, { ok: false });
}

function reply(response: ServerResponse, status: number, body: object, retryAfter?: number): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  response.writeHead(status, headers).end(JSON.stringify(body));
}

/** The scopes of a bearer token: its `ac` claim when it has one, else read and write in refs/heads/main. */
function scopesOf(authorization: string): ScopeGrant[] {
  const token = authorization.replace(/^Bearer /, '');
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { ac?: string };
    const grants = JSON.parse(claims.ac ?? 'null') as { Scope: string; Permission: number }[] | null;
    if (grants !== null) return grants.filter((grant) => (grant.Permission & 1) !== 0).map((grant) => ({ scope: grant.Scope, write: (grant.Permission & 2) !== 0 }));
  } catch {
    // Not shaped like a token with claims: a plain bearer.
  }
  return [{ scope: 'refs/heads/main', write: true }];
}

function jwtShaped(claims: object): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.signature`;
}
