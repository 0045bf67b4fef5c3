import { UsageError } from './errors.js';

/** The units a duration may be given in, as one letter after a whole number. */
const unitMilliseconds: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const unitNames: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day' };
/** Far past any store's age, and small enough that no sum of ages and times overflows a safe integer. */
const longestMilliseconds = 100 * 365 * unitMilliseconds.d!;

/**
 * A duration as a user writes one: a whole number and a unit, `30d`, `12h`, `15m` or `0s`. Anything
 * else (`30`, `1.5h`, `2w`, `-1d`) is refused with the forms that work: a unit guessed wrongly
 * would delete results that were meant to be kept.
 */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d{1,12})([smhd])$/.exec(text.trim());
  const milliseconds = match === null ? undefined : Number(match[1]) * unitMilliseconds[match[2]!]!;
  if (milliseconds === undefined || milliseconds > longestMilliseconds) {
    throw new UsageError(
      `${option} is "${text}", which is not a duration: give a whole number and a unit, s, m, h or d (30d, 12h, 15m, 0s)` +
        (milliseconds === undefined ? '' : `, of at most ${longestMilliseconds / unitMilliseconds.d!}d`),
    );
  }
  return milliseconds;
}

/** A duration in the largest unit that divides it, as parseDuration reads it back: `1h`, `90m`, `0s`. */
export function durationText(milliseconds: number): string {
  for (const unit of ['d', 'h', 'm']) {
    const size = unitMilliseconds[unit]!;
    if (milliseconds > 0 && milliseconds % size === 0) return `${milliseconds / size}${unit}`;
  }
  return `${Math.round(milliseconds / 1000)}s`;
}

/** A duration in words, for a sentence: `1 hour`, `30 days`, `90 minutes`. */
export function durationWords(milliseconds: number): string {
  const text = durationText(milliseconds);
  const count = Number(text.slice(0, -1));
  return `${count} ${unitNames[text.slice(-1)]}${count === 1 ? '' : 's'}`;
}
