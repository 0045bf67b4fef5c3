import { type ParseArgsConfig } from 'node:util';
import { parseDuration } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import { type StoreSettings } from '../engine/storeMaintenance.js';
import { defaultConcurrency } from '../engine/stepDefinition.js';
import { logWalkProgress, terminalWalkProgress } from '../report/walkProgressDisplay.js';
import { defaultLocalStore, stepOptionSpecs } from './cliOptions.js';
import { writeLines } from './terminalOutput.js';

/** A save still under way after this long is not expected: what a prune leaves alone by default. */
export const defaultGrace = '1h';

/** The options of `stoat du` and `stoat prune` alike: which store, and how to reach it. */
export const storeOptionSpecs = {
  remote: stepOptionSpecs.remote,
  's3-endpoint': stepOptionSpecs['s3-endpoint'],
  's3-region': stepOptionSpecs['s3-region'],
  's3-force-path-style': stepOptionSpecs['s3-force-path-style'],
  concurrency: stepOptionSpecs.concurrency,
  timeout: stepOptionSpecs.timeout,
  grace: { type: 'string', default: defaultGrace },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} satisfies ParseArgsConfig['options'];

interface StoreOptionValues {
  remote?: string;
  's3-endpoint'?: string;
  's3-region'?: string;
  's3-force-path-style'?: boolean;
  concurrency?: string;
  timeout?: string;
  grace: string;
}

/** The store the options name, as the step commands find it: --remote, else $STOAT_REMOTE, else the local default. */
export function storeSettings(values: StoreOptionValues, environment: NodeJS.ProcessEnv): StoreSettings {
  return {
    remote: values.remote ?? environment.STOAT_REMOTE ?? defaultLocalStore(environment),
    s3: {
      endpoint: values['s3-endpoint'],
      region: values['s3-region'],
      forcePathStyle: values['s3-force-path-style'],
      timeoutSeconds: values.timeout === undefined ? undefined : countOption('--timeout', values.timeout, 1, 3600),
    },
    workingDirectory: process.cwd(),
    concurrency: values.concurrency === undefined ? defaultConcurrency : countOption('--concurrency', values.concurrency, 1, 256),
    graceMs: parseDuration(values.grace, '--grace'),
    progress: process.stderr.isTTY ? terminalWalkProgress(process.stderr) : logWalkProgress((line) => writeLines(process.stderr, [`stoat: ${line}`])),
  };
}

/** A whole number from `smallest` to `largest`, or a usage error that says so. */
export function countOption(option: string, text: string, smallest: number, largest: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < smallest || value > largest) {
    throw new UsageError(`${option} is "${text}": use a whole number from ${smallest} to ${largest}`);
  }
  return value;
}
