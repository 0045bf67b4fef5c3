/** Human-readable sizes and durations, shared by the job summary and the terminal. */

const byteUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  // Move up a unit when the shown number would round to 1024 (1048575 B is "1.00 MiB", not "1024.0 KiB").
  while (unit < byteUnits.length - 1 && Number(shownNumber(value, unit)) >= 1024) {
    value /= 1024;
    unit++;
  }
  return `${shownNumber(value, unit)} ${byteUnits[unit]}`;
}

function shownNumber(value: number, unit: number): string {
  return unit === 0 ? String(Math.round(value)) : value.toFixed(value < 10 ? 2 : 1);
}

export function formatDuration(milliseconds: number): string {
  if (milliseconds < 999.5) return `${Math.round(milliseconds)} ms`;
  const tenths = Math.round(milliseconds / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(milliseconds / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** How long ago a time was, as a reviewer says it: "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatAge(thenMs: number, nowMs: number): string {
  const seconds = Math.round((nowMs - thenMs) / 1000);
  if (!Number.isFinite(seconds)) return 'at an unknown time';
  if (seconds < -60) return 'in the future, by its clock';
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** The first 12 hex digits of a hash: enough to tell results apart by eye, narrow enough for a table. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}
