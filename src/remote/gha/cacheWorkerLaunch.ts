import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The arguments to node that start a process serving @actions/cache requests (cacheWorker.ts). The
 * Action and the CLI run from one bundle, dist/stoat/index.js, which exports ghaWorker() (see
 * src/entrypoints.ts) and whose chunks, this module's among them, lie beside it. The tests and the
 * benchmark run the TypeScript sources, where the worker module is beside this one and tsx loads it.
 */
export function cacheWorkerArguments(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const loader = createRequire(here).resolve(typeScriptLoader);
    const worker = pathToFileURL(join(dirname(here), 'cacheWorker.ts')).href;
    return ['--import', pathToFileURL(loader).href, '--input-type=module', '--eval', `await (await import(${JSON.stringify(worker)})).run();`];
  }
  const bundle = pathToFileURL(join(dirname(here), 'index.js')).href;
  return ['--input-type=module', '--eval', `await (await import(${JSON.stringify(bundle)})).ghaWorker();`];
}

/** Named in a variable so that the bundler does not try to bundle a development tool. */
const typeScriptLoader = 'tsx';
