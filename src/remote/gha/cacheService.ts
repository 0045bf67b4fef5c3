/**
 * Where the GitHub Actions cache can be used, read from the variables the runner gives an action's
 * process, exactly as @actions/cache reads them (its config.js and isFeatureAvailable). A module
 * of its own, with no import, so that the faces can decide on a default remote without loading
 * the backend.
 */

/**
 * The variables a process needs to reach the cache. The runner gives them to the processes of
 * node actions, not to `run:` steps, which is why the action can export them (`export-runtime`).
 */
export const cacheServiceVariables = ['ACTIONS_RESULTS_URL', 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_CACHE_SERVICE_V2', 'ACTIONS_CACHE_URL', 'ACTIONS_CACHE_MODE'] as const;

/** Why the cache cannot be reached from a process with this environment, or undefined when it can. */
export function cacheServiceProblem(environment: NodeJS.ProcessEnv): string | undefined {
  const set = (name: string): boolean => (environment[name] ?? '') !== '';
  const missing = [serviceUrlVariable(environment), 'ACTIONS_RUNTIME_TOKEN'].filter((name) => !set(name));
  if (missing.length === 0) return undefined;
  // GitHub's service is the second; @actions/cache talks to it only with ACTIONS_CACHE_SERVICE_V2 set.
  if (missing[0] === 'ACTIONS_CACHE_URL' && set('ACTIONS_RESULTS_URL') && !isEnterpriseServer(environment)) missing[0] = 'ACTIONS_CACHE_SERVICE_V2';
  return `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set`;
}

/** The variable that leads to the cache service @actions/cache would use; GitHub's current one when none is set. */
function serviceUrlVariable(environment: NodeJS.ProcessEnv): string {
  if (serviceVersion(environment) === 'v2') return 'ACTIONS_RESULTS_URL';
  if (isEnterpriseServer(environment) || (environment.ACTIONS_CACHE_URL ?? '') !== '' || (environment.ACTIONS_RESULTS_URL ?? '') !== '') return 'ACTIONS_CACHE_URL';
  return 'ACTIONS_RESULTS_URL';
}

/**
 * The version of the cache service @actions/cache talks to: GitHub Enterprise Server has only the
 * first, which a GITHUB_SERVER_URL on any other host than github.com, *.ghe.com or *.localhost means.
 */
function serviceVersion(environment: NodeJS.ProcessEnv): 'v1' | 'v2' {
  if (isEnterpriseServer(environment)) return 'v1';
  return (environment.ACTIONS_CACHE_SERVICE_V2 ?? '') === '' ? 'v1' : 'v2';
}

function isEnterpriseServer(environment: NodeJS.ProcessEnv): boolean {
  let host: string;
  try {
    host = new URL(environment.GITHUB_SERVER_URL || 'https://github.com').hostname.toUpperCase();
  } catch {
    return true;
  }
  return host !== 'GITHUB.COM' && !host.endsWith('.GHE.COM') && !host.endsWith('.LOCALHOST');
}

/** What ACTIONS_CACHE_MODE lets a job do; unset or unknown lets it do both, as @actions/cache reads it. */
export interface CacheMode {
  readable: boolean;
  writable: boolean;
  /** The value as set, lower-cased, for messages: '' when unset. */
  value: string;
}

const knownModes = ['none', 'read', 'write', 'write-only'];

export function cacheMode(environment: NodeJS.ProcessEnv): CacheMode {
  const value = (environment.ACTIONS_CACHE_MODE ?? '').trim().toLowerCase();
  if (!knownModes.includes(value)) return { readable: true, writable: true, value };
  return { readable: value === 'read' || value === 'write', writable: value === 'write' || value === 'write-only', value };
}
