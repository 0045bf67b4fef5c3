// Runs one command the way a user would and measures it: wall time, peak resident memory (GNU
// time's %M, the largest RSS of the process it waited for: node for stoat, python for aws), the CPU
// it used (GNU time's %U + %S, its threads and children included), the CPU the servers used meanwhile,
// and the requests and bytes the counting proxy saw while it ran.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { type CountingProxy, type Service } from './services.js';
import { emptyTraffic, type Traffic } from './traffic.js';

export const timeBinary = '/usr/bin/time';

export interface Measurement {
  wallMs: number;
  /** null when GNU time is not installed. */
  peakRssBytes: number | null;
  /** User plus system CPU seconds of the command; null when GNU time is not installed. */
  cpuSeconds: number | null;
  /** CPU seconds the servers (s3rver and the proxy) used while it ran; null when not measured. */
  serverCpuSeconds: number | null;
  exitCode: number;
  /** Killed after `timeoutMs`: a command that never exits must not stop the whole bench. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  traffic: Traffic;
}

export interface MeasureOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Omitted for commands that do not touch the network (hashing). */
  proxy?: CountingProxy;
  /** Servers whose CPU time is taken around the command. */
  servers?: readonly Service[];
  /** Where GNU time writes its numbers; removed afterwards. */
  rssFile: string;
  timeoutMs?: number;
}

/** Process groups of commands still running, killed if the bench exits early (Ctrl-C, a crash). */
const runningGroups = new Set<number>();
process.on('exit', () => {
  for (const group of runningGroups) killGroup(group);
});

function killGroup(group: number): void {
  try {
    process.kill(-group, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * GNU time's `%M %U %S` line: peak RSS in KiB, user and system seconds. It writes `Command exited
 * with non-zero status N` before it when the command fails.
 */
function parseTime(text: string): { peakRssBytes: number | null; cpuSeconds: number | null } {
  const lines = text.trim().split('\n');
  const [kibibytes, user, system] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
  return {
    peakRssBytes: kibibytes !== undefined && Number.isFinite(kibibytes) && kibibytes > 0 ? kibibytes * 1024 : null,
    cpuSeconds: user !== undefined && system !== undefined && Number.isFinite(user) && Number.isFinite(system) ? user + system : null,
  };
}

function serversCpu(servers: readonly Service[] | undefined): number | null {
  if (servers === undefined || servers.length === 0) return null;
  let total = 0;
  for (const server of servers) {
    const seconds = server.cpuSeconds();
    if (seconds === null) return null;
    total += seconds;
  }
  return total;
}

export async function measure(command: readonly string[], options: MeasureOptions): Promise<Measurement> {
  const hasTime = existsSync(timeBinary);
  // Anything left over from an earlier command belongs to no case.
  if (options.proxy !== undefined) await options.proxy.take();
  const argv = hasTime ? [timeBinary, '-f', '%M %U %S', '-o', options.rssFile, ...command] : [...command];
  const serversBefore = serversCpu(options.servers);
  const started = performance.now();
  const { exitCode, timedOut, stdout, stderr } = await new Promise<{ exitCode: number; timedOut: boolean; stdout: string; stderr: string }>((resolve, reject) => {
    // Its own process group, so a timeout kills GNU time and the command under it together.
    const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const group = child.pid;
    if (group !== undefined) runningGroups.add(group);
    let killed = false;
    const timer = options.timeoutMs === undefined || group === undefined ? undefined : setTimeout(() => {
      killed = true;
      killGroup(group);
    }, options.timeoutMs);
    const out: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (group !== undefined) runningGroups.delete(group);
      resolve({ exitCode: code ?? (signal === null ? 1 : 128), timedOut: killed, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(errors).toString() });
    });
  });
  const wallMs = performance.now() - started;
  const serversAfter = serversCpu(options.servers);
  const serverCpuSeconds = serversBefore === null || serversAfter === null ? null : serversAfter - serversBefore;
  const traffic = options.proxy === undefined ? emptyTraffic() : await options.proxy.take();
  let time: ReturnType<typeof parseTime> = { peakRssBytes: null, cpuSeconds: null };
  if (hasTime) {
    time = parseTime(await readFile(options.rssFile, 'utf8').catch(() => ''));
    await rm(options.rssFile, { force: true });
  }
  return { wallMs, ...time, serverCpuSeconds, exitCode, timedOut, stdout, stderr, traffic };
}
