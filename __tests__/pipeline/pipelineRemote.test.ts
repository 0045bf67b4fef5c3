import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { pipelineRemote, pipelineRemoteOrigin } from '../../src/pipeline/pipelineRemote.js';
import { project } from './pipelineFixture.js';

describe('the remote of a pipeline command', () => {
  const base = project('/work/p', []);
  const withRemotes = { ...base, remotes: new Map([['default', 's3://bucket/default'], ['team', 's3://bucket/team']]) };

  test('--remote names a remote of the file, or is a URL', () => {
    assert.equal(pipelineRemote(withRemotes, 'team'), 's3://bucket/team');
    assert.equal(pipelineRemote(withRemotes, '/mnt/cache'), '/mnt/cache');
    assert.equal(pipelineRemoteOrigin(withRemotes, 'team'), undefined);
  });

  test('without it: the stoat section, then remotes: default, then the face decides', () => {
    assert.equal(pipelineRemote({ ...withRemotes, remote: 'team' }, undefined), 's3://bucket/team');
    assert.equal(pipelineRemoteOrigin({ ...withRemotes, remote: 'team' }, undefined), 'the stoat: remote of /work/p/project.yml');
    assert.equal(pipelineRemote(withRemotes, undefined), 's3://bucket/default');
    assert.equal(pipelineRemoteOrigin(withRemotes, undefined), 'the remotes: default of /work/p/project.yml');
    assert.equal(pipelineRemote(base, undefined), undefined);
    assert.equal(pipelineRemoteOrigin(base, undefined), undefined);
  });
});
