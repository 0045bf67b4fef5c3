import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { takeVars } from '../../src/cli/pipelineCommands.js';

describe('--vars.NAME on the pipeline commands', () => {
  test('takes "--vars.a.b VALUE", "--vars.a=VALUE" and a bare "--vars.flag" (true, as in Weasel), leaving the rest in order', () => {
    const { rest, vars } = takeVars(['run', '--vars.model.name', 'big', 'all', '--vars.seed=7', '--vars.gpu', '--jobs', '2', '--vars.empty=']);
    assert.deepEqual(rest, ['run', 'all', '--jobs', '2']);
    assert.deepEqual([...vars], [['model.name', 'big'], ['seed', '7'], ['gpu', 'true'], ['empty', '']]);
  });
});
