import { type WalkProgress } from '../core/walkProgress.js';
import { countText } from './textTable.js';

/** A walk that is over sooner than this shows no progress at all: only large stores need it. */
const quietMs = 1000;

function describe(label: string, done: number, total: number | undefined): string {
  return total === undefined ? `${label}…` : `${label} ${countText(done)} / ${countText(total)}`;
}

/** One line on a terminal, redrawn at most ten times a second, and cleared when the walk is over. */
export function terminalWalkProgress(stream: NodeJS.WritableStream & { columns?: number }): WalkProgress {
  const started = performance.now();
  let lastDrawn = 0;
  let drawn = false;
  return {
    step(label, done, total) {
      const now = performance.now();
      if (now - started < quietMs || now - lastDrawn < 100) return;
      lastDrawn = now;
      drawn = true;
      stream.write(`\r${describe(label, done, total).slice(0, (stream.columns ?? 120) - 1)}\u001b[K`);
    },
    end() {
      if (drawn) stream.write('\r\u001b[K');
      drawn = false;
    },
  };
}

/** A log line at most every `intervalMs`, for a log that is no terminal. */
export function logWalkProgress(log: (line: string) => void, intervalMs = 5000): WalkProgress {
  let lastLogged = performance.now();
  return {
    step(label, done, total) {
      if (performance.now() - lastLogged < intervalMs) return;
      lastLogged = performance.now();
      log(describe(label, done, total));
    },
    end: () => undefined,
  };
}
