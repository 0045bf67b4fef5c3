// What the numbers were measured on: without it they cannot be compared with a later run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { type Peers } from './peers.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  /** One line per peer: its version, or that it was not measured. */
  peers: string[];
  s3rver: string;
  coreutils: string;
  date: string;
  /** 1, 5 and 15 minute load averages when the run started: the machine is shared. */
  loadAtStart: number[];
  loadAtEnd: number[];
  /** The highest 1-minute load average seen after a step. */
  peakLoad: number | null;
  /** The source the measured bundle was built from, and the bundle's own hash. */
  commit: string;
  bundleSha256: string;
}

function firstLine(command: string, args: string[]): string {
  const answer = spawnSync(command, args, { encoding: 'utf8' });
  return answer.status === 0 ? answer.stdout.split('\n')[0]!.trim() : 'unknown';
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1]!.trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return cpus()[0]?.model ?? 'unknown';
}

/**
 * One sha256 over the names and bytes of every file of a built bundle (`<dist>/stoat`: its index
 * and the chunks it loads on demand), or null when there is no index.js yet.
 */
export function bundleDigest(bundleDirectory: string): string | null {
  if (!existsSync(join(bundleDirectory, 'index.js'))) return null;
  const hash = createHash('sha256');
  for (const name of readdirSync(bundleDirectory).sort()) hash.update(`${name}\0`).update(readFileSync(join(bundleDirectory, name))).update('\0');
  return hash.digest('hex');
}

export function describeMachine(peers: Peers, bundleDirectory: string, loadAtStart: number[]): Machine {
  const s3rverPackage = createRequire(import.meta.url)('s3rver/package.json') as { version: string };
  const commit = firstLine('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'dist'], { encoding: 'utf8' }).stdout.trim() !== '';
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    peers: peers.lines,
    s3rver: s3rverPackage.version,
    coreutils: firstLine('md5sum', ['--version']),
    date: new Date().toISOString(),
    loadAtStart,
    loadAtEnd: loadavg(),
    peakLoad: null,
    commit: `${commit}${dirty ? ' with uncommitted changes in src/ or dist/' : ''}`,
    bundleSha256: (bundleDigest(bundleDirectory) ?? 'missing').slice(0, 16),
  };
}

export function machineLines(machine: Machine): string[] {
  const load = (values: number[]): string => values.map((value) => value.toFixed(2)).join(', ');
  return [
    `- CPU: ${machine.cpu}, ${machine.cores} cores; memory ${machine.memoryGiB} GiB`,
    `- Node ${machine.node}; s3rver ${machine.s3rver}; ${machine.coreutils}`,
    ...machine.peers.map((line) => `- ${line}`),
    `- date: ${machine.date}; load average (1, 5, 15 min) at start ${load(machine.loadAtStart)}, at end ${load(machine.loadAtEnd)}` +
      (machine.peakLoad === null ? '' : `; highest 1-min load seen after a step ${machine.peakLoad.toFixed(2)}`),
    `- stoat: commit ${machine.commit}; bundle dist/stoat/ sha256 ${machine.bundleSha256}…`,
  ];
}
