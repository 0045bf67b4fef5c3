import type { ProjectFields } from './projectFields.js';
import type { YamlNode } from './projectYaml.js';

/**
 * The project file's `stoat:` section: settings only stoat reads. It is a top-level key, which Weasel
 * ignores, so the same file still runs under `weasel run` (Weasel refuses unknown keys inside a command).
 *
 *   stoat:
 *     remote: default          # a name under remotes:, or a URL
 *     concurrency: 8           # transfers and hashes at once
 *     commands:
 *       train:
 *         env: [CUDA_VISIBLE_DEVICES]   # variables whose values join the command's key
 *         key-extra: "v2"               # a string that joins the key
 */
export interface StoatSection {
  remote: string | undefined;
  concurrency: number | undefined;
  commands: Map<string, { env: string[]; keyExtra: string }>;
}

const sectionKeys = ['remote', 'concurrency', 'commands'];
const commandKeys = ['env', 'key-extra'];
// The largest --concurrency the command line takes.
const largestConcurrency = 256;

export function stoatSection(fields: ProjectFields, node: YamlNode | undefined, commandNames: readonly string[]): StoatSection {
  const section = fields.map(node, 'stoat');
  refuseUnknownKeys(fields, section.keyLines, sectionKeys, 'the stoat: section');
  const remote = fields.optionalText(section.entries.get('remote'), 'stoat.remote');
  const concurrencyNode = section.entries.get('concurrency');
  const concurrency = concurrencyNode === undefined ? undefined : wholeNumber(fields, concurrencyNode);
  const commands = new Map<string, { env: string[]; keyExtra: string }>();
  const commandsMap = fields.map(section.entries.get('commands'), 'stoat.commands');
  for (const [name, settingsNode] of commandsMap.entries) {
    const line = commandsMap.keyLines.get(name) ?? 0;
    if (!commandNames.includes(name)) throw fields.error(line, `stoat.commands names "${name}", which is no command of the file: name one of ${commandNames.join(', ') || '(there are none)'}`);
    const settings = fields.map(settingsNode, `stoat.commands.${name}`);
    refuseUnknownKeys(fields, settings.keyLines, commandKeys, `stoat.commands.${name}`);
    const env = fields.texts(settings.entries.get('env'), `stoat.commands.${name}.env`);
    const badName = env.find((variable) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable));
    if (badName !== undefined) throw fields.error(settings.line, `stoat.commands.${name}.env holds "${badName}", which is no environment variable name: list names such as CUDA_VISIBLE_DEVICES`);
    const keyExtra = fields.looseText(settings.entries.get('key-extra'), `stoat.commands.${name}.key-extra`);
    commands.set(name, { env, keyExtra });
  }
  return { remote, concurrency, commands };
}

function wholeNumber(fields: ProjectFields, node: YamlNode): number {
  const text = node.kind === 'scalar' && typeof node.value === 'number' ? String(node.value) : fields.text(node, 'stoat.concurrency');
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > largestConcurrency) {
    throw fields.error(node.line, `stoat.concurrency is "${text}": use a whole number from 1 to ${largestConcurrency}`);
  }
  return value;
}

export function refuseUnknownKeys(fields: ProjectFields, keyLines: ReadonlyMap<string, number>, known: readonly string[], where: string): void {
  for (const [key, line] of keyLines) {
    if (!known.includes(key)) throw fields.error(line, `${where} has an unknown key "${key}": it takes ${known.join(', ')}`);
  }
}
