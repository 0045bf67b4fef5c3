import { type PipelineGraph, type StepVerdict } from '../core/pipelineProject.js';
import { code, escapeText, shortenText } from './markdownText.js';
import { formatDuration } from './units.js';

/** What the job summary shows of one step of a pipeline run. */
export interface PipelineSummaryStep {
  name: string;
  status: StepVerdict;
  reason: string;
  duration_ms: number;
  saved_ms: number | null;
  /** The job that ran the step, when the run was spread over jobs. */
  link?: string;
}

/** A link the table may carry: GitHub's own https pages, nothing that could leave the cell or the URL. */
const safeLink = /^https:\/\/[A-Za-z0-9.-]+(?::\d+)?\/[A-Za-z0-9._~%/?=&#+-]*$/u;

const emojiOf: Readonly<Record<StepVerdict, string>> = {
  skipped: '⏭️',
  restored: '✅',
  ran: '🔨',
  failed: '❌',
  'not-run': '⛔',
};

/** Node colours by verdict, readable on GitHub's light and dark themes. */
const classDefinitions = [
  'classDef skipped fill:#dbeafe,stroke:#1d4ed8,color:#1e3a8a',
  'classDef restored fill:#dcfce7,stroke:#15803d,color:#14532d',
  'classDef ran fill:#fef3c7,stroke:#b45309,color:#78350f',
  'classDef failed fill:#fee2e2,stroke:#b91c1c,color:#7f1d1d',
  'classDef notrun fill:#e5e7eb,stroke:#6b7280,color:#374151',
];

const reasonCharacters = 160;

/**
 * A label Mermaid shows as written: every character outside a small safe set becomes Mermaid's
 * `#code;` entity, so a command name can close neither the label, the node, nor the code fence.
 */
function mermaidLabel(text: string): string {
  let label = '';
  for (const character of shortenText(text, 60)) label += /[A-Za-z0-9 _.-]/u.test(character) ? character : `#${character.codePointAt(0)!};`;
  return label;
}

/** The DAG as a Mermaid flowchart, each node coloured by its step's verdict. */
export function pipelineMermaid(graph: PipelineGraph, steps: readonly PipelineSummaryStep[]): string {
  const statusOf = new Map(steps.map((step) => [step.name, step.status]));
  // Node ids are positions, never names: a name is user text, an id must be a plain word.
  const idOf = new Map(graph.steps.map((name, index) => [name, `step${index}`]));
  const lines = ['```mermaid', 'flowchart LR'];
  for (const name of graph.steps) {
    const status = statusOf.get(name) ?? 'not-run';
    lines.push(`  ${idOf.get(name)!}["${mermaidLabel(`${emojiOf[status]} ${name}`)}"]:::${status === 'not-run' ? 'notrun' : status}`);
  }
  for (const name of graph.steps) for (const upstream of graph.needs.get(name) ?? []) if (idOf.has(upstream)) lines.push(`  ${idOf.get(upstream)!} --> ${idOf.get(name)!}`);
  lines.push(...classDefinitions.map((definition) => `  ${definition}`), '```');
  return lines.join('\n');
}

/**
 * The job summary of a pipeline run: a heading that sums it up, the table of steps (verdict, time,
 * time saved, reason), the graph, then each step's own section collapsed (`sections`, by step name,
 * already Markdown).
 */
export function renderPipelineSummary(graph: PipelineGraph, steps: readonly PipelineSummaryStep[], sections: ReadonlyMap<string, string> = new Map()): string {
  const saved = steps.reduce((sum, step) => sum + Math.max(0, step.saved_ms ?? 0), 0);
  const ran = steps.filter((step) => step.status === 'ran').length;
  const failed = steps.filter((step) => step.status === 'failed').length;
  const verdict = failed > 0 ? `${failed} failed` : ran === 0 ? 'nothing ran' : `${ran} ran`;
  const lines = [`### stoat pipeline: ${steps.length} step${steps.length === 1 ? '' : 's'} — ${verdict}${saved > 0 ? ` · saved ${formatDuration(saved)}` : ''}`, ''];
  lines.push('| step | verdict | time | saved | why |', '|---|---|--:|--:|---|');
  for (const step of steps) {
    const savedText = step.saved_ms === null || step.saved_ms <= 0 ? '—' : formatDuration(step.saved_ms);
    const name = step.link !== undefined && safeLink.test(step.link) ? `[${code(step.name, 256)}](${step.link})` : code(step.name, 256);
    lines.push(`| ${name} | ${emojiOf[step.status]} ${step.status === 'not-run' ? 'not run' : step.status} | ${formatDuration(step.duration_ms)} | ${savedText} | ${escapeText(shortenText(step.reason, reasonCharacters), 1024)} |`);
  }
  lines.push('', pipelineMermaid(graph, steps), '');
  for (const step of steps) {
    const section = sections.get(step.name);
    if (section === undefined || section.trim() === '') continue;
    lines.push(`<details><summary>${emojiOf[step.status]} ${escapeText(step.name, 256)}</summary>`, '', section.trimEnd(), '', '</details>', '');
  }
  return `${lines.join('\n')}\n`;
}
