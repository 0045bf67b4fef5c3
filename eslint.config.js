import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../remote/*', '../store/*', '../engine/*', '../report/*', '../action/*', '../cli/*', '@actions/*', '@aws-sdk/*'], message: 'core imports nothing of ours outside core, and no network or GitHub packages' }] }],
    },
  },
  {
    files: ['src/remote/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../store/*', '../engine/*', '../report/*', '../action/*', '../cli/*'], message: 'imports point one way: remote sees only core' }] }] },
  },
  {
    files: ['src/store/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../engine/*', '../report/*', '../action/*', '../cli/*'], message: 'imports point one way: store sees remote and core' }] }] },
  },
  {
    files: ['src/engine/**', 'src/report/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../action/*', '../cli/*', '@actions/*'], message: 'imports point one way: only the entrypoints see the faces' }] }] },
  },
);
