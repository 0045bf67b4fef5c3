// Loaded first (node --import) into a child to record every module file it loads, one URL a line,
// in the file STOAT_TEST_LOADED_MODULES names: how a test sees which chunks of the bundle a run paid for.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function load(url, context, nextLoad) {
  if (url.startsWith('file:')) appendFileSync(process.env.STOAT_TEST_LOADED_MODULES, url + '\\n');
  return nextLoad(url, context);
}`)}`,
);
