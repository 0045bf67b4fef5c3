import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A running Azurite blob service: what the GitHub Actions cache stores entries in, on loopback. */
export interface Azurite {
  /** `http://127.0.0.1:<port>`: the account is the path's first segment (IP-style URLs). */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** The well-known development account every Azurite accepts. */
export const azuriteAccount = {
  name: 'devstoreaccount1',
  key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
} as const;

/** The run's shared Azurite, started by jest's global setup (__tests__/globalSetup.mjs), is named by this variable. */
export const sharedAzuriteVariable = 'STOAT_TEST_AZURITE_ENDPOINT';

const startupTimeoutMs = 30_000;
const stopTimeoutMs = 5_000;
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** An Azurite for a suite: the run's shared one when there is one (each suite then uses containers of its own). */
export async function azuriteForSuite(): Promise<Azurite> {
  const shared = process.env[sharedAzuriteVariable];
  if (shared !== undefined && shared !== '') return { endpoint: shared, port: Number(new URL(shared).port), stop: async () => undefined };
  return startOwnAzurite();
}

/**
 * Starts Azurite's blob service as a child process on a port the system picks, keeping nothing on
 * disk unless given a `location` (the benchmark's gigabytes). `--skipApiVersionCheck`: the Azure SDK
 * inside @actions/cache speaks a newer API version than Azurite 3.35 (the newest that runs on
 * Node 20) knows, and is refused without it.
 */
export async function startOwnAzurite(options: { location?: string } = {}): Promise<Azurite> {
  const main = fileURLToPath(new URL('../../node_modules/azurite/dist/src/blob/main.js', import.meta.url));
  const environment = { ...process.env };
  delete environment.NODE_OPTIONS;
  const storage = options.location === undefined ? ['--inMemoryPersistence'] : ['--location', options.location];
  const child = spawn(process.execPath, [main, '--blobHost', '127.0.0.1', '--blobPort', '0', ...storage, '--skipApiVersionCheck', '--disableTelemetry', '--silent'], {
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    await exited;
    clearTimeout(timer);
  };
  try {
    const port = await listeningPort(child);
    return { endpoint: `http://127.0.0.1:${port}`, port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Reads the port from Azurite's `successfully listens on http://127.0.0.1:<port>` line. */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Azurite did not start within ${startupTimeoutMs} ms; it printed: ${output}`)), startupTimeoutMs);
    const onOutput = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listens on http:\/\/[^:\s]+:(\d+)/.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(Number(match[1]));
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code} before listening: ${output}`));
    };
    // Both pipes keep being drained, so a chatty server never blocks on a full pipe.
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', onExit);
  });
}
