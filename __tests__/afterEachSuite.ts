import { afterAll } from '@jest/globals';
import { closeHashPool } from '../src/hashing/index.js';

// Jest runs many suites in one worker process: a suite's hashing threads are stopped with it, so
// none is left for the worker to wait on when the run ends.
afterAll(async () => {
  await closeHashPool();
});
