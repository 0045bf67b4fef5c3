import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, from the faces down (DESIGN.md): each may import only the folders after it.
 *   action, cli -> engine -> store, report -> remote, workspace, hashing -> core
 * Outside hashing/, only hashing/index.js may be imported. core is pure: no file system, threads or
 * processes.
 */
const folders = ['action', 'cli', 'engine', 'store', 'report', 'remote', 'workspace', 'hashing', 'core'];
const mayImport = {
  action: folders,
  cli: folders,
  engine: ['store', 'report', 'remote', 'workspace', 'hashing', 'core'],
  store: ['remote', 'workspace', 'hashing', 'core'],
  report: ['remote', 'workspace', 'hashing', 'core'],
  remote: ['core'],
  workspace: ['hashing', 'core'],
  hashing: ['core'],
  core: ['core'],
};
const impure = ['node:fs', 'node:fs/promises', 'fs', 'fs/promises', 'node:worker_threads', 'worker_threads', 'node:child_process', 'child_process', 'tinyglobby'];

function layerRules(folder) {
  const forbidden = folders.filter((other) => other !== folder && !mayImport[folder].includes(other));
  const patterns = [];
  if (forbidden.length > 0) patterns.push({ group: forbidden.map((other) => `../${other}/*`), message: `imports point one way: ${folder} may import ${mayImport[folder].join(', ')}` });
  if (folder !== 'hashing') patterns.push({ group: ['**/hashing/*', '!**/hashing/index.js'], message: 'hashing is imported through hashing/index.js only' });
  if (folder === 'engine' || folder === 'report' || folder === 'core') patterns.push({ group: ['@actions/*'], message: 'only the faces see GitHub packages' });
  if (folder === 'core') patterns.push({ group: ['@aws-sdk/*'], message: 'core imports no network packages' });
  const paths = folder === 'core' ? impure.map((name) => ({ name, message: 'core is pure: file systems, threads and processes belong to workspace, hashing and the layers above' })) : [];
  return { files: [`src/${folder}/**`], rules: { 'no-restricted-imports': ['error', { patterns, paths }] } };
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
  ...folders.map(layerRules),
);
