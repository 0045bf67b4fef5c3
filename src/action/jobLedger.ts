import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as core from '@actions/core';
import { type StepReport } from '../core/stepReport.js';
import { type JobRow, jobRowOf } from '../report/jobTable.js';

/**
 * The stoat steps of this job so far, one JSON line per report in a file under RUNNER_TEMP (which
 * the runner empties at the start and end of every job). Steps of a job run one at a time, so
 * appending a line is all the locking there is. A step's later line (post's save) replaces its
 * earlier one. The ledger feeds the job's table and the pull-request comment: a view, so a
 * ledger that cannot be read or written costs the table, never the step.
 */
export interface LedgerRow extends JobRow {
  /** The step is the Action's main entry, whose post step runs at the end of the job. */
  post: boolean;
}

const rowState = 'stoat-row';

function ledgerPath(environment: NodeJS.ProcessEnv): string {
  return join(environment.RUNNER_TEMP || tmpdir(), 'stoat', 'job-steps.jsonl');
}

/** This step's row id: main makes one and hands it to post through the step's state. */
export function currentRowId(): string {
  const known = core.getState(rowState);
  if (known !== '') return known;
  const id = randomBytes(8).toString('hex');
  core.saveState(rowState, id);
  return id;
}

/** Records this step's report; the rows of the job as they now are, this one included. */
export function recordJobRow(environment: NodeJS.ProcessEnv, report: StepReport, post: boolean): LedgerRow[] {
  const id = currentRowId();
  const earlier = readJobRows(environment).find((row) => row.id === id);
  // Post records the row main made: it keeps main's place among the steps and its post flag.
  const row: LedgerRow = { ...jobRowOf(id, report), post: earlier?.post ?? post };
  const path = ledgerPath(environment);
  try {
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, `${JSON.stringify(row)}\n`);
  } catch (error) {
    core.info(`stoat: the job's table of stoat steps could not be written to ${path} (${(error as Error).message})`);
  }
  return readJobRows(environment);
}

/** The job's rows in the order the steps first appeared, each step's latest line. */
export function readJobRows(environment: NodeJS.ProcessEnv): LedgerRow[] {
  let text: string;
  try {
    text = readFileSync(ledgerPath(environment), 'utf8');
  } catch {
    return [];
  }
  const rows = new Map<string, LedgerRow>();
  for (const line of text.split('\n')) {
    const row = parseRow(line);
    if (row !== undefined) rows.set(row.id, row);
  }
  return [...rows.values()];
}

/**
 * Post steps run in the reverse order of their main steps, so the last post of the job is that of
 * the first step with one: it sees every row.
 */
export function isLastPost(rows: readonly LedgerRow[], id: string): boolean {
  return rows.find((row) => row.post)?.id === id;
}

function parseRow(line: string): LedgerRow | undefined {
  if (line.trim() === '') return undefined;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const texts = ['id', 'title', 'emoji', 'verdict'].every((field) => typeof value[field] === 'string');
  const times = typeof value.total_ms === 'number' && (value.saved_ms === null || typeof value.saved_ms === 'number');
  return texts && times && typeof value.post === 'boolean' ? (value as unknown as LedgerRow) : undefined;
}
