import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { pythonFloat, valueText } from '../../src/core/projectValueText.js';
import { valueOfText } from '../../src/core/projectYaml.js';

describe('pythonFloat', () => {
  test("matches Python's repr of a float", () => {
    // Printed by python3 -c 'print(repr(v))' for each value.
    const cases: [number, string][] = [
      [0, '0.0'],
      [-0, '-0.0'],
      [1, '1.0'],
      [1.5, '1.5'],
      [0.1, '0.1'],
      [1e-4, '0.0001'],
      [1e-5, '1e-05'],
      [1.5e-7, '1.5e-07'],
      [123456789012345, '123456789012345.0'],
      [1e15, '1000000000000000.0'],
      [1e16, '1e+16'],
      [1.2345e16, '1.2345e+16'],
      [2.5e-300, '2.5e-300'],
      [1e300, '1e+300'],
      [100, '100.0'],
      [3.14159, '3.14159'],
      [-2.5, '-2.5'],
    ];
    for (const [value, python] of cases) assert.equal(pythonFloat(value), python, String(value));
  });
});

describe('valueText', () => {
  test('values given as text read as JSON, then shown as Python shows them', () => {
    const cases: [string, string][] = [
      ['10', '10'],
      ['1.0', '1.0'],
      ['1e3', '1000.0'],
      ['true', 'true'],
      ['null', 'null'],
      ['"quoted"', 'quoted'],
      ['[1, "a", {"b": false}]', '[1, "a", {"b": false}]'],
      ['not json', 'not json'],
      ['', ''],
    ];
    for (const [text, shown] of cases) assert.equal(valueText(valueOfText(text)), shown, text);
  });
});
