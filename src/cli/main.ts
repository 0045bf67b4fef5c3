import { runCli } from './runCli.js';

export async function run(): Promise<void> {
  // A reader that stops early (`stoat hash | head`) has what it wanted: the rest of the output has
  // nowhere to go, which is no failure of the command.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  process.exitCode = await runCli(process.argv.slice(2));
}
