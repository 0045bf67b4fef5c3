import { printable } from '../core/printable.js';
import { type StepReport } from '../core/stepReport.js';
import { type LineTone, terminalSummary } from '../report/terminalSummary.js';

/** SGR colours per tone: green for a hit, yellow for a miss and why, red for an error. */
const colours: Readonly<Record<LineTone, string | undefined>> = { hit: '32', miss: '33', why: '33', error: '31', plain: undefined };

/**
 * A step's report as terminal lines, coloured only on a terminal (never in a log or a pipe, and not
 * under NO_COLOR or TERM=dumb). Each line is made printable first, so the only escape codes on the
 * screen are the ones added here.
 */
export function writeReportLines(stream: NodeJS.WriteStream, report: StepReport, environment: NodeJS.ProcessEnv = process.env): void {
  const colour = stream.isTTY === true && (environment.NO_COLOR ?? '') === '' && environment.TERM !== 'dumb';
  const lines = terminalSummary(report).map(({ text, tone }) => {
    const code = colours[tone];
    return colour && code !== undefined ? `\u001b[${code}m${printable(text)}\u001b[0m\n` : `${printable(text)}\n`;
  });
  stream.write(lines.join(''));
}
