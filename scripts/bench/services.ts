// The two servers a benchmark run talks to, each in a process of its own so neither shares an event
// loop with the other or with the bench: s3rver, and the counting proxy in front of it.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { countersPath, type Traffic } from './traffic.js';

export interface Service {
  port: number;
  /** User plus system CPU seconds the server process has used so far; null where /proc is missing. */
  cpuSeconds(): number | null;
  stop(): Promise<void>;
}

export interface CountingProxy extends Service {
  /** `http://127.0.0.1:<port>`: the endpoint both stoat and aws are given. */
  url: string;
  /** The counters since the last take, which resets them. */
  take(): Promise<Traffic>;
}

const startupTimeoutMs = 20_000;
const running = new Set<ChildProcess>();
// A bench that crashes must not leave servers behind holding ports and files.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts a server process and reads its port from the first line of its output that matches. */
function startProcess(name: string, args: string[], portPattern: RegExp): Promise<Service> {
  const environment = { ...process.env };
  delete environment.NODE_OPTIONS;
  const child = spawn(process.execPath, args, { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
  };
  return new Promise((resolve, reject) => {
    let output = '';
    let started = false;
    const timer = setTimeout(() => void stop().then(() => reject(new Error(`${name} did not start within ${startupTimeoutMs} ms: ${output}`))), startupTimeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (started) return;
      output += chunk.toString();
      const match = portPattern.exec(output);
      if (match !== null) {
        started = true;
        clearTimeout(timer);
        resolve({ port: Number(match[1]), cpuSeconds: () => processCpuSeconds(child.pid), stop });
      }
    });
    // Drain stderr so a chatty server never blocks on a full pipe; keep it for the error message.
    child.stderr!.on('data', (chunk: Buffer) => {
      if (!started && output.length < 10_000) output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before listening: ${output}`));
    });
  });
}

/** From /proc/<pid>/stat: fields 14 and 15 (utime, stime) after the command name, in clock ticks of 1/100 s on Linux. */
function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** s3rver 3.7.1 with one bucket, storing objects as files under `directory`. */
export function startS3rver(directory: string, bucket: string): Promise<Service> {
  const bin = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');
  // Its listing pagination encrypts the continuation token with DES, which OpenSSL 3 refuses otherwise.
  const args = ['--openssl-legacy-provider', bin, '--directory', directory, '--address', '127.0.0.1', '--port', '0', '--silent', '--configure-bucket', bucket];
  return startProcess('s3rver', args, /listening on [^\s:]+:(\d+)/);
}

export async function startCountingProxy(upstreamPort: number): Promise<CountingProxy> {
  const script = fileURLToPath(new URL('./countingProxy.ts', import.meta.url));
  const service = await startProcess('counting proxy', ['--import', 'tsx', script, String(upstreamPort)], /listening (\d+)/);
  const url = `http://127.0.0.1:${service.port}`;
  const take = async (): Promise<Traffic> => {
    const response = await fetch(`${url}${countersPath}`);
    if (!response.ok) throw new Error(`the counting proxy answered ${response.status} for its counters`);
    return (await response.json()) as Traffic;
  };
  return { ...service, url, take };
}
