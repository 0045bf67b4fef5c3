// Why large reads use their own HTTP connection: the client CPU to fetch one object from s3rver in
// 32 MiB ranged parts, 8 in flight, through each transport (transportFetch.ts, one process per fetch),
// in alternating order, with medians per transport. The object is written straight into s3rver's
// store (as its PutObject leaves it) from a fixed seed, so no upload is measured or waited for.
// Usage: node --import tsx scripts/bench/transportCpu.ts [--runs 5] [--mebibytes 1024]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytesStream } from './datasets.js';
import { median } from './results.js';
import { type Service, startS3rver } from './services.js';

const transports = ['direct', 'sdk', 'fetch', 'undici'] as const;
const described: Record<(typeof transports)[number], string> = {
  direct: 'DirectHttpHandler (stoat’s own connections)',
  sdk: 'the SDK’s NodeHttpHandler (node:http)',
  fetch: 'the SDK’s FetchHttpHandler (Node’s fetch, undici)',
  undici: 'undici `request`',
};
const bucket = 'transport-bench';
const key = 'object.bin';

interface Fetch {
  userMs: number;
  systemMs: number;
  wallMs: number;
}

/** `bytes` of the seeded stream, written where s3rver 3.7.1 keeps an object: its bytes, their md5, its metadata. */
async function seedObject(directory: string, bytes: number): Promise<void> {
  const base = join(directory, bucket, key);
  await mkdir(join(directory, bucket), { recursive: true });
  const md5 = createHash('md5');
  const random = randomBytesStream('transport-cpu');
  const file = createWriteStream(`${base}._S3rver_object`);
  const block = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < bytes; written += block.length) {
    const chunk = random.update(block.subarray(0, Math.min(block.length, bytes - written)));
    md5.update(chunk);
    if (!file.write(chunk)) await new Promise<void>((resolve) => file.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
  await writeFile(`${base}._S3rver_object.md5`, md5.digest('hex'));
  await writeFile(`${base}._S3rver_metadata.json`, JSON.stringify({ 'content-type': 'application/octet-stream' }));
}

function fetchOnce(transport: string, endpoint: string, bytes: number): Promise<Fetch> {
  const script = fileURLToPath(new URL('./transportFetch.ts', import.meta.url));
  const environment: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
  delete environment.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--import', 'tsx', script, transport, endpoint, bucket, key, String(bytes)], { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(output.trim().split('\n').pop()!) as Fetch) : reject(new Error(`${transport} exited with ${code}: ${output.slice(-2000)}`)))),
  );
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, mebibytes: { type: 'string', default: '1024' } } });
const runs = Number(values.runs);
const bytes = Number(values.mebibytes) * 1024 * 1024;
const directory = await mkdtemp(join(tmpdir(), 'stoat-transport-cpu-'));
let server: Service | undefined;
try {
  await seedObject(directory, bytes);
  server = await startS3rver(directory, bucket);
  const endpoint = `http://127.0.0.1:${server.port}`;
  const results = new Map<string, (Fetch & { serverCpuMs: number })[]>(transports.map((transport) => [transport, []]));
  for (let run = 0; run < runs; run++) {
    // Each run starts with the next transport, so none always goes first (or after the same one).
    for (let turn = 0; turn < transports.length; turn++) {
      const transport = transports[(run + turn) % transports.length]!;
      const serverBefore = server.cpuSeconds() ?? 0;
      const fetched = await fetchOnce(transport, endpoint, bytes);
      const serverCpuMs = ((server.cpuSeconds() ?? 0) - serverBefore) * 1000;
      results.get(transport)!.push({ ...fetched, serverCpuMs });
      console.error(`run ${run + 1} ${transport}: client ${((fetched.userMs + fetched.systemMs) / 1000).toFixed(2)} s CPU, ${(fetched.wallMs / 1000).toFixed(2)} s wall`);
    }
  }
  const gib = bytes / 1024 ** 3;
  const directCpu = median(results.get('direct')!.map((fetch) => fetch.userMs + fetch.systemMs));
  console.log('| transport | client CPU s per GiB (user + sys) | user | sys | vs direct | wall s per GiB | s3rver CPU s per GiB |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const transport of transports) {
    const fetches = results.get(transport)!;
    const cpu = median(fetches.map((fetch) => fetch.userMs + fetch.systemMs));
    const cells = [cpu, median(fetches.map((fetch) => fetch.userMs)), median(fetches.map((fetch) => fetch.systemMs))].map((milliseconds) => (milliseconds / 1000 / gib).toFixed(2));
    const wall = (median(fetches.map((fetch) => fetch.wallMs)) / 1000 / gib).toFixed(2);
    const serverCpu = (median(fetches.map((fetch) => fetch.serverCpuMs)) / 1000 / gib).toFixed(2);
    console.log(`| ${described[transport]} | ${cells.join(' | ')} | ${(cpu / directCpu).toFixed(2)}× | ${wall} | ${serverCpu} |`);
  }
  console.log(`\nMedians of ${runs} runs each, alternating; ${values.mebibytes} MiB object; Node ${process.version}.`);
} finally {
  await server?.stop();
  await rm(directory, { recursive: true, force: true });
}
