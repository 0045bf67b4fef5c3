import type { YamlNode } from './projectYaml.js';

/**
 * A variable's value as Weasel puts it into a string: a string as it is, anything else as Python's
 * `json.dumps` writes it (`true`, `null`, `1.0`, `1e-05`, `[1, 2]`, `{"a": 1}`). A path or a script
 * line built from a variable then reads the same under `weasel run` and under stoat.
 */
export function valueText(node: YamlNode): string {
  if (node.kind === 'scalar' && typeof node.value === 'string') return node.value;
  return pythonJson(node);
}

function pythonJson(node: YamlNode): string {
  if (node.kind === 'list') return `[${node.items.map(pythonJson).join(', ')}]`;
  if (node.kind === 'map') return `{${[...node.entries].map(([key, value]) => `${JSON.stringify(key)}: ${pythonJson(value)}`).join(', ')}}`;
  const { value } = node;
  if (typeof value === 'number') return node.float || !Number.isInteger(value) ? pythonFloat(value) : String(value);
  return JSON.stringify(value);
}

/** Python's `repr` of a float: the shortest digits that read back, fixed from 1e-4 up to 1e16, `.0` on whole numbers. */
export function pythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  const sign = mantissa.startsWith('-') || Object.is(value, -0) ? '-' : '';
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    const shown = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${shown}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
}
