/**
 * Where transfers report how far they are. The engine calls it; a face decides how to show it (a
 * bar on a terminal, a line every few seconds in a CI log, nothing in tests).
 */
export interface TransferProgress {
  /** A phase begins: what it is called and how much it will move. */
  begin(label: string, totalBytes: number, totalFiles: number): void;
  advance(bytes: number, files: number): void;
  /** The phase is over, whether it succeeded or not. */
  end(): void;
}

export const silentProgress: TransferProgress = {
  begin: () => undefined,
  advance: () => undefined,
  end: () => undefined,
};
