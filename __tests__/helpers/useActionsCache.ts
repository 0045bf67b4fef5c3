import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll } from '@jest/globals';
import { GhaRemote, type GhaRemoteOptions } from '../../src/remote/gha/ghaRemote.js';
import { actionsCacheKeys } from '../../src/store/layout.js';
import { type Azurite, azuriteForSuite } from './azurite.js';
import { type FakeCacheService, type ScopeGrant, startFakeCacheService } from './fakeCacheService.js';

/** Loaded into every process of a suite that takes the Azure SDK path (see fakeCacheService.ts). */
export const blobHostPreload = fileURLToPath(new URL('./blobHostPreload.mjs', import.meta.url));

export interface ActionsCacheUse {
  fake(): FakeCacheService;
  /** The variables of a process that uses the fake with a token granting `scopes` (read and write in refs/heads/main when not given). */
  environment(scopes?: readonly ScopeGrant[], extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** A GitHub Actions cache remote on the fake, closed after the suite. */
  remote(scopes?: readonly ScopeGrant[], options?: GhaRemoteOptions & { extra?: NodeJS.ProcessEnv }): GhaRemote;
}

/**
 * Starts a fake cache service (on the run's shared Azurite, or one of the suite's own) before the
 * tests of the enclosing `describe`, and stops it and every remote made on it after them. With
 * `productionHost`, the archive URLs name the Azure host, and the processes running @actions/cache
 * resolve it to loopback: the download path GitHub's runners take.
 */
export function useActionsCache(options: { productionHost?: boolean } = {}): ActionsCacheUse {
  let azurite: Azurite | undefined;
  let fake: FakeCacheService | undefined;
  const remotes: GhaRemote[] = [];
  beforeAll(async () => {
    azurite = await azuriteForSuite();
    fake = await startFakeCacheService(azurite, options);
  });
  afterAll(async () => {
    for (const remote of remotes) remote.close();
    await fake?.stop();
    await azurite?.stop();
  });
  const use: ActionsCacheUse = {
    fake: () => fake!,
    environment(scopes, extra = {}) {
      const token = scopes === undefined ? 'opaque-token' : fake!.token(scopes);
      const environment: NodeJS.ProcessEnv = { ...process.env, ...fake!.environment(token), ...extra };
      for (const name of ['GITHUB_SERVER_URL', 'RUNNER_DEBUG', ...(extra.ACTIONS_CACHE_MODE === undefined ? ['ACTIONS_CACHE_MODE'] : [])]) delete environment[name];
      if (options.productionHost) environment.NODE_OPTIONS = `--import ${pathToFileURL(blobHostPreload).href}`;
      return environment;
    },
    remote(scopes, remoteOptions = {}) {
      const remote = new GhaRemote(actionsCacheKeys, { workers: 2, ...remoteOptions, environment: use.environment(scopes, remoteOptions.extra) });
      remotes.push(remote);
      return remote;
    },
  };
  return use;
}
