import { RemoteError, RemoteRefusedError } from '../../core/errors.js';

/**
 * Why @actions/cache did not do what it was asked, read from what it wrote while it tried. It
 * throws almost nothing: a save that failed returns -1 whether the entry already existed, the
 * repository hit a rate limit, the token may only read, or the service could not be reached; a
 * restore that failed returns what a miss returns. The reason is only in its log lines
 * (`::debug::Failed to reserve cache: …(409) Conflict…`, `::warning::Failed to restore: …`),
 * which are matched here, so that each failure is named as what it is and "already exists" is
 * never a failure's name.
 */

/** Lines @actions/cache writes, as workflow commands (`::warning::text`) or plain text (command ''). */
interface LogLine {
  command: string;
  text: string;
}

const cacheName = 'the GitHub Actions cache';

/** What a save that returned -1 came to: the entry was there already, or an error to throw. */
export function failedSave(output: string, display: string, entry: string): 'exists' | RemoteError {
  const lines = logLines(output);
  const what = `saving ${entry}`;
  const skipped = modeSkip(lines, 'save');
  if (skipped !== undefined) return refused(what, skipped, display);
  const denied = find(lines, /cache write denied:.*/);
  if (denied !== undefined) return refused(what, `this job's cache token may only read ("${denied}"): GitHub gives read-only cache tokens to runs of untrusted triggers such as pull_request_target and issue_comment`, display);
  const reservation = find(lines, /Failed to reserve cache: (.*)/, 'debug');
  if (reservation !== undefined && /\(409\)|already exists/i.test(reservation)) return 'exists';
  const reason = reservation ?? find(lines, /(?:Failed to save|uploadCacheArchiveSDK): (.*)/) ?? lastWarning(lines);
  if (reason === undefined) return new RemoteError(`${cacheName} did not save ${entry}, and @actions/cache gave no reason`, display);
  return classified(what, reason, lines, display);
}

/**
 * Why an entry that was found and downloaded could not be unpacked (tar or zstd refused the
 * archive), or undefined: the entry's bytes are damaged, which no later request will change.
 */
export function failedUnpacking(output: string): string | undefined {
  const reason = find(logLines(output), /Failed to restore: (.*)/);
  return reason !== undefined && /\btar\b.*failed|zstd/i.test(reason) ? reason : undefined;
}

/** Why a lookup or restore that found nothing failed, or undefined when it was a plain miss. */
export function failedRestore(output: string, display: string, entry: string): RemoteError | undefined {
  const lines = logLines(output);
  const what = `looking up or restoring ${entry}`;
  const skipped = modeSkip(lines, 'restore');
  if (skipped !== undefined) return refused(what, skipped, display);
  const reason = find(lines, /Failed to restore: (.*)/);
  if (reason === undefined) return undefined;
  if (/cache read denied:/.test(reason)) return refused(what, `this job's cache token may not read the cache ("${reason}")`, display);
  return classified(what, reason, lines, display);
}

function classified(what: string, reason: string, lines: readonly LogLine[], display: string): RemoteError {
  if (/insufficient usage|Cache storage quota/i.test(reason)) {
    return refused(what, "the repository's Actions cache storage budget is used up, so the cache only serves reads until the budget is raised or entries are evicted", display);
  }
  if (/Rate limited|\(429\)/.test(reason)) {
    const reset = find(lines, /rate limit will reset in (\d+) seconds/);
    const when = reset === undefined ? '' : `; it resets in ${reset} s`;
    return new RemoteError(`${cacheName} is rate limiting this repository (HTTP 429: GitHub allows 200 new entries and 1,500 downloads a minute per repository${when}), so ${what} was not done`, display);
  }
  const network = /Unable to make request: (\w+)/.exec(reason);
  if (network !== null) return new RemoteError(`${cacheName} cannot be reached (${network[1]}) while ${what}: check that this runner can reach GitHub's cache service`, display);
  return new RemoteError(`${cacheName} failed while ${what}: ${reason}`, display);
}

function refused(what: string, reason: string, display: string): RemoteRefusedError {
  return new RemoteRefusedError(`${cacheName} refused ${what}: ${reason}`, display);
}

/** A request that ACTIONS_CACHE_MODE forbids, refused before it is made. */
export function modeRefusal(mode: string, operation: 'save' | 'restore', entry: string, display: string): RemoteRefusedError {
  return refused(`${operation === 'save' ? 'saving' : 'looking up or restoring'} ${entry}`, modeReason(mode, operation), display);
}

function modeReason(mode: string, operation: 'save' | 'restore'): string {
  return `ACTIONS_CACHE_MODE is "${mode}", which does not permit ${operation === 'save' ? 'writes' : 'reads'} in this job`;
}

/** @actions/cache skips a call that ACTIONS_CACHE_MODE forbids, saying only so in a line of its log. */
function modeSkip(lines: readonly LogLine[], operation: 'save' | 'restore'): string | undefined {
  const mode = find(lines, new RegExp(`Cache ${operation} skipped: the effective cache-mode '([^']*)'`));
  return mode === undefined ? undefined : modeReason(mode, operation);
}

/** The first capture (or the whole match) of `pattern` in the lines of a command ('' for plain lines; any when not given). */
function find(lines: readonly LogLine[], pattern: RegExp, command?: string): string | undefined {
  for (const line of lines) {
    if (command !== undefined && line.command !== command) continue;
    const match = pattern.exec(line.text);
    if (match !== null) return (match[1] ?? match[0]).trim();
  }
  return undefined;
}

function lastWarning(lines: readonly LogLine[]): string | undefined {
  return lines.filter((line) => line.command === 'warning' || line.command === 'error').at(-1)?.text;
}

/**
 * The lines of the output, with workflow commands' escapes undone, and every value the library
 * asked the runner to mask (the signatures of its storage URLs) replaced by `***`: these lines
 * may end up in stoat's own messages.
 */
function logLines(output: string): LogLine[] {
  const lines = output.split(/\r?\n/).map((raw) => {
    const match = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(raw);
    if (match === null) return { command: '', text: raw };
    return { command: match[1]!, text: match[2]!.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%') };
  });
  const secrets = lines.filter((line) => line.command === 'add-mask' && line.text !== '').map((line) => line.text);
  return lines.filter((line) => line.command !== 'add-mask').map((line) => ({ command: line.command, text: secrets.reduce((text, secret) => text.split(secret).join('***'), line.text) }));
}
