import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, from the faces down (DESIGN.md): each may import only the folders after it.
 *   action, cli -> pipeline -> engine -> store, report -> remote, workspace, hashing -> core
 * Outside hashing/, only hashing/index.js may be imported. core is pure: no file system, threads or
 * processes.
 */
const folders = ['action', 'cli', 'pipeline', 'engine', 'store', 'report', 'remote', 'workspace', 'hashing', 'core'];
const mayImport = {
  action: folders,
  cli: folders,
  pipeline: ['engine', 'store', 'report', 'remote', 'workspace', 'hashing', 'core'],
  engine: ['store', 'report', 'remote', 'workspace', 'hashing', 'core'],
  store: ['remote', 'workspace', 'hashing', 'core'],
  report: ['remote', 'workspace', 'hashing', 'core'],
  remote: ['core'],
  workspace: ['hashing', 'core'],
  hashing: ['core'],
  core: ['core'],
};
/**
 * Folders private to the folder around them (`owner`): nothing outside it imports them. The S3
 * backend's own HTTP/1.1 connections serve its large reads and nothing else.
 */
const fences = [{ owner: 'remote/s3', pattern: '**/s3/transport/*', message: 'remote/s3/transport is the S3 backend\'s own: import it only from src/remote/s3' }];
const impure = ['node:fs', 'node:fs/promises', 'fs', 'fs/promises', 'node:worker_threads', 'worker_threads', 'node:child_process', 'child_process', 'tinyglobby'];

/** The import rules of `folder`'s files, or of those in its subfolder `within`. */
function layerRules(folder, within = folder) {
  const forbidden = folders.filter((other) => other !== folder && !mayImport[folder].includes(other));
  const patterns = [];
  // From src/<folder>/ and from its subfolders (remote/s3/, remote/s3/transport/).
  const upward = ['../', '../../', '../../../'];
  if (forbidden.length > 0) patterns.push({ group: forbidden.flatMap((other) => upward.map((up) => `${up}${other}/*`)), message: `imports point one way: ${folder} may import ${mayImport[folder].join(', ')}` });
  if (folder !== 'hashing') patterns.push({ group: ['**/hashing/*', '!**/hashing/index.js'], message: 'hashing is imported through hashing/index.js only' });
  if (folder === 'pipeline' || folder === 'engine' || folder === 'report' || folder === 'core') patterns.push({ group: ['@actions/*'], message: 'only the faces see GitHub packages' });
  if (folder === 'core') patterns.push({ group: ['@aws-sdk/*'], message: 'core imports no network packages' });
  for (const fence of fences) if (within !== fence.owner && !within.startsWith(`${fence.owner}/`)) patterns.push({ group: [fence.pattern], message: fence.message });
  const paths = folder === 'core' ? impure.map((name) => ({ name, message: 'core is pure: file systems, threads and processes belong to workspace, hashing and the layers above' })) : [];
  return { files: [`src/${within}/**`], rules: { 'no-restricted-imports': ['error', { patterns, paths }] } };
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', performance: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...folders.map((folder) => layerRules(folder)),
  // After its folder's block, so that the owner's files get the rules without their own fence.
  ...fences.map((fence) => layerRules(fence.owner.split('/')[0], fence.owner)),
);
