import { type TransferProgress } from '../core/transferProgress.js';
import { formatBytes, formatDuration } from './units.js';

const pastTense: Record<string, string> = { saving: 'saved', restoring: 'restored' };

/** The counters of one phase, and what to say about them. */
class PhaseCounter {
  doneBytes = 0;
  doneFiles = 0;
  private readonly started = performance.now();

  constructor(
    readonly label: string,
    readonly totalBytes: number,
    readonly totalFiles: number,
  ) {}

  get elapsedMs(): number {
    return performance.now() - this.started;
  }

  /** `restoring 45.2 MiB / 350 MiB, 1203 / 10000 files, 112 MiB/s, about 3.0 s left` */
  describe(): string {
    const rate = this.doneBytes / Math.max(this.elapsedMs / 1000, 0.001);
    const leftMs = this.estimateLeftMs();
    const left = leftMs === undefined ? '' : `, about ${formatDuration(leftMs)} left`;
    return `${this.label} ${formatBytes(this.doneBytes)} / ${formatBytes(this.totalBytes)}, ${this.doneFiles} / ${this.totalFiles} files, ${formatBytes(rate)}/s${left}`;
  }

  /**
   * The time left at the pace so far, by whichever of bytes and files is less far along: many small
   * files cost time per file that bytes alone do not show, one large file the other way round.
   */
  private estimateLeftMs(): number | undefined {
    const byBytes = this.totalBytes === 0 ? 1 : this.doneBytes / this.totalBytes;
    const byFiles = this.totalFiles === 0 ? 1 : this.doneFiles / this.totalFiles;
    const done = Math.min(byBytes, byFiles, 1);
    return done > 0 ? (this.elapsedMs * (1 - done)) / done : undefined;
  }

  /** `restored 350 MiB in 10000 files in 3.1 s (112 MiB/s)` */
  summarize(): string {
    const rate = this.doneBytes / Math.max(this.elapsedMs / 1000, 0.001);
    const verb = pastTense[this.label] ?? `${this.label}: done,`;
    return `${verb} ${formatBytes(this.doneBytes)} in ${this.doneFiles} files in ${formatDuration(this.elapsedMs)} (${formatBytes(rate)}/s)`;
  }
}

/**
 * A one-line bar on a terminal, redrawn at most ten times a second, ending with the totals. Phases
 * with nothing to move show nothing.
 */
export function terminalProgress(stream: NodeJS.WritableStream & { columns?: number }): TransferProgress {
  let phase: PhaseCounter | undefined;
  let lastDrawn = 0;
  const draw = (force: boolean): void => {
    if (phase === undefined || (!force && performance.now() - lastDrawn < 100)) return;
    lastDrawn = performance.now();
    const width = 20;
    const filled = phase.totalBytes === 0 ? width : Math.round((phase.doneBytes / phase.totalBytes) * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${phase.describe()}`;
    stream.write(`\r${line.slice(0, (stream.columns ?? 120) - 1)}\u001b[K`);
  };
  return {
    begin(label, totalBytes, totalFiles) {
      phase = totalFiles === 0 ? undefined : new PhaseCounter(label, totalBytes, totalFiles);
      draw(true);
    },
    advance(bytes, files) {
      if (phase === undefined) return;
      phase.doneBytes += bytes;
      phase.doneFiles += files;
      draw(false);
    },
    end() {
      if (phase !== undefined) stream.write(`\r${phase.summarize()}\u001b[K\n`);
      phase = undefined;
    },
  };
}

/** A log line at most every `intervalMs` (a CI log is no terminal), ending with the totals. */
export function logProgress(log: (line: string) => void, intervalMs = 5000): TransferProgress {
  let phase: PhaseCounter | undefined;
  let lastLogged = 0;
  return {
    begin(label, totalBytes, totalFiles) {
      phase = totalFiles === 0 ? undefined : new PhaseCounter(label, totalBytes, totalFiles);
      lastLogged = performance.now();
    },
    advance(bytes, files) {
      if (phase === undefined) return;
      phase.doneBytes += bytes;
      phase.doneFiles += files;
      if (performance.now() - lastLogged >= intervalMs) {
        lastLogged = performance.now();
        log(phase.describe());
      }
    },
    end() {
      if (phase !== undefined) log(phase.summarize());
      phase = undefined;
    },
  };
}
