import { type StepDefinition } from '../../src/engine/stepDefinition.js';

/** A step that writes one file of `size` random bytes as its output `out`: large enough, a blob read in ranged parts. */
export function largeBlobStep(workingDirectory: string, size: number, keyExtra: string): StepDefinition {
  return { workingDirectory, command: ['mkdir -p out', `head -c ${size} /dev/urandom > out/large.bin`], deps: [], outputs: ['out'], env: [], keyExtra };
}
