import { availableParallelism } from 'node:os';

/**
 * Jest over the TypeScript suites in __tests__/, as ES modules (NODE_OPTIONS=--experimental-vm-modules,
 * set by `npm test`). @swc/jest compiles each file: a type-free transform, a few milliseconds a file,
 * where ts-jest type-checks every suite again (`npm run typecheck` does that once for the project).
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript', importAttributes: true }, target: 'es2022', experimental: { keepImportAttributes: true } },
        module: { type: 'es6' },
      },
    ],
    // GitHub's workflow parser imports its JSON schemas without an import attribute (see the helper).
    '/node_modules/@actions/(languageservice|workflow-parser)/dist/.+\\.js$': '<rootDir>/__tests__/helpers/jsonImportAttributes.mjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!@actions/(languageservice|workflow-parser)/)'],
  // The sources import each other as `./x.js`, the compiled names: the tests run the `.ts` files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  globalSetup: '<rootDir>/__tests__/globalSetup.mjs',
  globalTeardown: '<rootDir>/__tests__/globalTeardown.mjs',
  setupFilesAfterEnv: ['<rootDir>/__tests__/afterEachSuite.ts'],
  // Suites move real bytes through real servers and child processes: seconds, not milliseconds.
  testTimeout: 120_000,
  // Most suites wait on child processes and servers: a worker and a half per core finish soonest
  // (three on two cores: 64 s, where two take 67 s and one 119 s).
  maxWorkers: Math.ceil(availableParallelism() * 1.5),
  coverageProvider: 'v8',
  collectCoverageFrom: ['<rootDir>/src/**/*.ts'],
  coverageReporters: ['text-summary', 'json-summary'],
  // What the suites cover today, rounded down: coverage may only go up. (The e2e suites run the
  // built bundles in child processes, which these figures do not count.)
  coverageThreshold: { global: { statements: 86, branches: 90, functions: 92, lines: 86 } },
};
