// What the counting proxy costs: the same stoat restore of D1 (the largest single stream of the
// bench) once straight from s3rver and once through the proxy, alternating. If the proxy were the
// bottleneck, every transfer figure in the tables would measure it instead of the clients.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchContext } from './cases.js';
import { type Dataset } from './datasets.js';
import { measure } from './measure.js';
import { median } from './results.js';
import { type StepContext, stoatEnvironment, stoatInvocation } from './tools.js';
import { checkRestoredTree } from './treeCheck.js';

export interface ProxyOverhead {
  directMs: number;
  proxiedMs: number;
  runs: number;
}

/** Medians of `runs` restores each way, or why it could not be measured (a failure of the run). */
export async function measureProxyOverhead(context: BenchContext, dataset: Dataset, directUrl: string, runs: number): Promise<ProxyOverhead | { failure: string }> {
  const prefix = `overhead-${context.runId}`;
  const directory = join(context.workDirectory, prefix);
  const base: StepContext = {
    dataset, bucket: context.bucket, prefix, runId: `${context.runId}-overhead`, proxyUrl: context.proxy.url,
    restoreRoot: directory, changedRoot: directory,
  };
  const environment = stoatEnvironment();
  const rssFile = join(context.workDirectory, 'overhead.rss');
  const times = { direct: [] as number[], proxied: [] as number[] };
  const timeoutMs = context.commandTimeoutSeconds * 1000;
  try {
    const save = stoatInvocation(context.stoatCli, 'cold-save', base);
    const saved = await measure(save.argv, { cwd: save.cwd, env: environment, rssFile, timeoutMs });
    if (saved.timedOut) throw new Error(`stoat save did not exit within ${context.commandTimeoutSeconds} s`);
    if (saved.exitCode !== 0) throw new Error(`stoat save exited with code ${saved.exitCode}: ${saved.stderr.trim().slice(0, 500)}`);
    for (let run = 1; run <= runs; run += 1) {
      const order = run % 2 === 1 ? (['direct', 'proxied'] as const) : (['proxied', 'direct'] as const);
      for (const way of order) {
        const restoreRoot = join(directory, `${way}-${run}`);
        await mkdir(restoreRoot, { recursive: true });
        const restore = stoatInvocation(context.stoatCli, 'restore-empty', { ...base, restoreRoot, proxyUrl: way === 'direct' ? directUrl : context.proxy.url });
        const restored = await measure(restore.argv, { cwd: restore.cwd, env: environment, rssFile, timeoutMs });
        if (restored.timedOut) throw new Error(`stoat restore did not exit within ${context.commandTimeoutSeconds} s`);
        if (restored.exitCode !== 0) throw new Error(`stoat restore exited with code ${restored.exitCode}: ${restored.stderr.trim().slice(0, 500)}`);
        const problems = await checkRestoredTree(dataset, restoreRoot);
        if (problems.length > 0) throw new Error(`stoat restored a tree that differs from ${dataset.spec.name}: ${problems.join('; ')}`);
        times[way].push(restored.wallMs);
        context.log(`  proxy overhead ${way} run ${run}: ${(restored.wallMs / 1000).toFixed(2)} s`);
        await rm(restoreRoot, { recursive: true, force: true });
      }
    }
  } catch (error) {
    return { failure: `proxy overhead: ${(error as Error).message}` };
  } finally {
    await rm(directory, { recursive: true, force: true });
    await rm(join(context.s3Directory, context.bucket, prefix), { recursive: true, force: true });
  }
  return { directMs: median(times.direct), proxiedMs: median(times.proxied), runs };
}
