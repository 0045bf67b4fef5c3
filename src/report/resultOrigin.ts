import { code } from './markdownText.js';
import { formatAge } from './units.js';

/** Where a saved result came from, as its manifest records it: the fields a reviewer is shown. */
export interface ResultOrigin {
  scope: string;
  commit: string | null;
  run: string | null;
  repository: string | null;
  created: string;
}

/** A commit named by its full hash (sha1 or sha256 repositories). */
const commitPattern = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const repositoryPattern = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** The path GitHub gives a run, with its attempt. */
const runPathPattern = /^\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/actions\/runs\/(\d+)(?:\/attempts\/\d+)?$/;

/**
 * "`0123456` · run 42 · 3 h ago · scope `trusted`", the commit and run linked. A manifest is written
 * by whoever could write to the remote, so a link is made only of fields that have exactly the
 * shape stoat writes: an https (or http, for GitHub Enterprise Server) run URL, a repository name
 * and a full commit hash. Anything else is shown as inert text, never as a link.
 */
export function originMarkdown(origin: ResultOrigin, nowMs: number): string {
  const run = runLink(origin.run);
  const parts: string[] = [];
  if (origin.commit !== null) {
    const short = origin.commit.slice(0, 7);
    const linkable = run !== undefined && commitPattern.test(origin.commit) && origin.repository !== null && repositoryPattern.test(origin.repository);
    parts.push(linkable ? `[\`${short}\`](${run.origin}/${origin.repository}/commit/${origin.commit})` : code(short));
  }
  if (run !== undefined) parts.push(`[run ${run.id}](${run.href})`);
  parts.push(formatAge(Date.parse(origin.created), nowMs));
  parts.push(`scope ${code(origin.scope, 128)}`);
  return parts.join(' · ');
}

function runLink(text: string | null): { origin: string; href: string; id: string } | undefined {
  if (text === null) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const match = runPathPattern.exec(url.pathname);
  // A host name the URL parser accepts may still hold `)` or `*`, which would end or mark up a link.
  const plain = /^[a-z0-9.-]+(?::\d+)?$/.test(url.host) && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || match === null || !plain) return undefined;
  return { origin: url.origin, href: url.href, id: match[1]! };
}
