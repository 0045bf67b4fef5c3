// The sweep that chose rclone's flags for the benchmark: each flag set runs the four D2 steps (cold
// save, restore into an empty directory, restore with all present, save with nothing changed) once,
// against the same s3rver and counting proxy the benchmark uses. Not part of `npm run bench`:
//   node --import tsx scripts/bench/rcloneSweep.ts [--dataset d2] [--quick] [--flags="--transfers 8 ..."]
// (--flags measures that one flag set alone).
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { datasetSpecs, type DatasetName, loadDataset } from './datasets.js';
import { measure } from './measure.js';
import { findRclone, rcloneEnvironment, rcloneInvocation } from './rclone.js';
import { startCountingProxy, startS3rver } from './services.js';
import { type Step, type StepContext } from './tools.js';
import { checkRestoredTree } from './treeCheck.js';

const many = ['--transfers', '32', '--checkers', '32'];
const flagSets: Record<string, string[]> = {
  'defaults (4 transfers, 8 checkers)': [],
  '--transfers 16 --checkers 16': ['--transfers', '16', '--checkers', '16'],
  '--transfers 32 --checkers 32': many,
  '--transfers 64 --checkers 64': ['--transfers', '64', '--checkers', '64'],
  '32/32 --fast-list': [...many, '--fast-list'],
  '32/32 --fast-list --size-only': [...many, '--fast-list', '--size-only'],
  '32/32 --fast-list --use-server-modtime': [...many, '--fast-list', '--use-server-modtime'],
  '32/32 --fast-list --size-only --s3-no-head --s3-no-check-bucket': [...many, '--fast-list', '--size-only', '--s3-no-head', '--s3-no-check-bucket'],
  '32/32 --fast-list --checksum --s3-no-head --s3-no-check-bucket': [...many, '--fast-list', '--checksum', '--s3-no-head', '--s3-no-check-bucket'],
};
const steps: Step[] = ['cold-save', 'restore-empty', 'restore-present', 'save-unchanged'];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dataset: { type: 'string', default: 'd2' }, quick: { type: 'boolean', default: false }, flags: { type: 'string' } } });
  const sets = values.flags === undefined ? flagSets : { [values.flags]: values.flags.split(/\s+/).filter((flag) => flag !== '') };
  const rclone = findRclone();
  if (rclone === null) throw new Error('rclone is not installed: apt-get install -y rclone');
  const repository = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const benchDirectory = join(repository, '.bench');
  const sweepDirectory = join(benchDirectory, 'rclone-sweep');
  await rm(sweepDirectory, { recursive: true, force: true });
  const spec = datasetSpecs(values.quick).find((candidate) => candidate.name === (values.dataset as DatasetName));
  if (spec === undefined) throw new Error(`--dataset takes d1, d2 or d3, not ${values.dataset}`);
  const dataset = await loadDataset(spec, join(benchDirectory, 'datasets', values.quick ? 'quick' : 'full'), (line) => console.error(line));
  const s3rver = await startS3rver(join(sweepDirectory, 's3rver'), 'bench');
  const proxy = await startCountingProxy(s3rver.port);
  console.log(`${rclone.version}; ${spec.name.toUpperCase()}; seconds (requests) per step, one run each\n`);
  console.log(`| flags | ${steps.join(' | ')} |\n| --- | ${steps.map(() => '--:').join(' | ')} |`);
  try {
    let index = 0;
    for (const [name, flags] of Object.entries(sets)) {
      index += 1;
      const prefix = `sweep-${index}`;
      const context: StepContext = {
        dataset, bucket: 'bench', prefix, runId: prefix, proxyUrl: proxy.url,
        restoreRoot: join(sweepDirectory, prefix, 'restore'), changedRoot: join(sweepDirectory, prefix, 'changed'),
      };
      await mkdir(context.restoreRoot, { recursive: true });
      const cells: string[] = [];
      for (const step of steps) {
        const invocation = rcloneInvocation(rclone, step, context, flags);
        const result = await measure(invocation.argv, { cwd: invocation.cwd, env: rcloneEnvironment(benchDirectory, proxy.url), proxy, rssFile: join(sweepDirectory, 'rss') });
        if (result.exitCode !== 0) throw new Error(`${name} ${step}: rclone exited with ${result.exitCode}: ${result.stderr.slice(0, 500)}`);
        if (step.startsWith('restore')) {
          const problems = await checkRestoredTree(dataset, context.restoreRoot);
          if (problems.length > 0) throw new Error(`${name} ${step}: ${problems.join('; ')}`);
        }
        cells.push(`${(result.wallMs / 1000).toFixed(2)} (${result.traffic.requests})`);
      }
      console.log(`| ${name} | ${cells.join(' | ')} |`);
      await rm(join(sweepDirectory, prefix), { recursive: true, force: true });
    }
  } finally {
    await proxy.stop();
    await s3rver.stop();
    await rm(sweepDirectory, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
