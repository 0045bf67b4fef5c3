/**
 * Where a walk over a whole store (`stoat du`, `stoat prune`) says how far it is. The store calls
 * it; the face decides how to show it (a line redrawn on a terminal, a line now and then in a log).
 */
export interface WalkProgress {
  /** `total` is undefined while it is not known yet (a listing in progress). */
  step(label: string, done: number, total: number | undefined): void;
  /** The walk is over, whether it succeeded or not. */
  end(): void;
}

export const silentWalk: WalkProgress = {
  step: () => undefined,
  end: () => undefined,
};
