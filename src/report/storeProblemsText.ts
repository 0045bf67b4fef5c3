import { type StoreProblems } from '../core/storeReport.js';
import { countOf } from './textTable.js';

/** Lines shown of each kind of problem; the JSON report lists all of them. */
const shownPerKind = 20;

/**
 * What is wrong in a store, a line each, or nothing when nothing is. Each line says what it means
 * for the results that use it and what mends it.
 */
export function storeProblemsLines(problems: StoreProblems): string[] {
  const kinds: string[][] = [
    problems.unusable_manifests.map((entry) => `unusable manifest ${entry.manifest}: ${entry.reason}; kept, with every object it names`),
    problems.missing_objects.map(
      (entry) => `missing object ${entry.object}: ${countOf(entry.results, 'result')} cannot restore (${entry.example} among them) until the next save of their step writes it again`,
    ),
    problems.damaged_objects.map(
      (entry) => `damaged object ${entry.object}: ${entry.size} bytes where its manifests need ${entry.expected}; ${countOf(entry.results, 'result')} cannot restore (${entry.example} among them) until the next save of their step replaces it; kept`,
    ),
    problems.unknown_keys.map((key) => `unknown object ${key}: not named by stoat's layout; left alone`),
    problems.unreadable_records.map((record) => `unreadable record of unused objects: ${record}; no unused object is deleted while it is there`),
  ];
  const lines = kinds.flatMap((lines) => [...lines.slice(0, shownPerKind), ...(lines.length > shownPerKind ? [`… and ${lines.length - shownPerKind} more like it (--json lists them all)`] : [])]);
  return lines.length === 0 ? [] : ['problems:', ...lines.map((line) => `  ${line}`)];
}
