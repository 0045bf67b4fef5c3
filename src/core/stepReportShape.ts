import { isSha256 } from './manifest.js';
import { type StepReport } from './stepReport.js';

type Check = (value: unknown) => boolean;

const isText: Check = (value) => typeof value === 'string';
const isCount: Check = (value) => Number.isSafeInteger(value) && (value as number) >= 0;
const isDuration: Check = (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const nullOr = (check: Check): Check => (value) => value === null || check(value);
const oneOf = (...choices: string[]): Check => (value) => choices.includes(value as string);
const listOf = (check: Check): Check => (value) => Array.isArray(value) && value.every(check);
const objectOf = (fields: Record<string, Check>): Check => (value) => fieldProblem(value, fields) === undefined;

const isRecord: Check = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const optional = (check: Check): Check => (value) => value === undefined || check(value);

const inputFields = { path: isText, size: isCount, md5: isText, sha1: isText, sha256: isSha256, since_last_use: optional(oneOf('changed', 'new')) };
const restoredFromFields = { scope: isText, commit: nullOr(isText), ref: nullOr(isText), run: nullOr(isText), repository: nullOr(isText), created: isText, duration_ms: nullOr(isDuration) };
/** The explanation is rendered, never acted on: its kind and one-line reason are what must hold. */
const explanationFields = { kind: oneOf('changed', 'first-run', 'unrecorded', 'same-key', 'unknown'), reason: isText, nearest: nullOr(isRecord), nothing_saved: listOf(isText) };
const outputFields = {
  path: isText,
  status: oneOf('restored', 'saved', 'already-saved', 'not-saved'),
  tree: nullOr(isSha256),
  files: isCount,
  bytes: isCount,
  transferred_bytes: isCount,
  manifest: nullOr(isText),
};

/** Every field of a step report and what its value must be. */
const reportFields: Record<keyof StepReport, Check> = {
  status: oneOf('hit', 'miss', 'error'),
  reason: isText,
  key: isSha256,
  scope: isText,
  read_scopes: listOf(isText),
  restored_scope: nullOr(isText),
  remote: isText,
  command: listOf(isText),
  ran: (value) => typeof value === 'boolean',
  exit_code: nullOr(Number.isSafeInteger),
  save: isText,
  inputs: listOf(objectOf(inputFields)),
  outputs: listOf(objectOf(outputFields)),
  durations_ms: objectOf({ hash: isDuration, restore: isDuration, run: isDuration, save: isDuration }),
  warnings: listOf(isText),
  damaged_objects: listOf(isText),
  restored_from: nullOr(objectOf(restoredFromFields)),
  explanation: nullOr(objectOf(explanationFields)),
};

/**
 * What keeps a parsed JSON value from being a step report as stoat writes it, or undefined when it
 * is one: a face that reads a report back (the Action's post step) checks it before trusting it.
 */
export function stepReportProblem(value: unknown): string | undefined {
  return fieldProblem(value, reportFields);
}

function fieldProblem(value: unknown, fields: Record<string, Check>): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'it is not a JSON object';
  const record = value as Record<string, unknown>;
  const wrong = Object.keys(fields).find((name) => !fields[name]!(record[name]));
  if (wrong === undefined) return undefined;
  return wrong in record ? `its field "${wrong}" holds ${JSON.stringify(record[wrong])?.slice(0, 80)}, which stoat never writes there` : `it has no field "${wrong}"`;
}
