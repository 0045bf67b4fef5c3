import { runCli } from './runCli.js';

export async function cliMain(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2));
}
