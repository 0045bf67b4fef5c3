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
