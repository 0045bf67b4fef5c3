// How the peers are run, for BENCHMARKS.md's method section: what each one does in each case, and
// the sweep that chose rclone's flags (measured by scripts/bench/rcloneSweep.ts, kept here by hand).
import { rcloneFlags, rcloneLargeFileFlags } from './rclone.js';

/**
 * The sweep on D2, one run of each flag set, measured on 2026-11-25 on this 2-core machine while it
 * was shared with other work (1-minute load average 10–16): its absolute times are noisy, the request
 * counts are not, and the choice rests on both.
 */
export const rcloneSweep: readonly string[] = [
  '',
  'rclone\'s flags were chosen by a sweep on D2 (`node --import tsx scripts/bench/rcloneSweep.ts`, one run of',
  'each, seconds and requests; the machine was shared, 1-minute load average 10–16, so times are rough):',
  '',
  '| flags | cold save | restore into empty dir | restore, all present | save, nothing changed |',
  '| --- | --: | --: | --: | --: |',
  '| defaults (4 transfers, 8 checkers) | 52.7 (20,002) | 33.6 (10,022) | 18.2 (10,022) | 15.9 (10,022) |',
  '| `--transfers 16 --checkers 16` | 80.4 (30,025) | 44.2 (10,022) | 32.4 (10,022) | 23.2 (10,022) |',
  '| `--transfers 32 --checkers 32` | 70.4 (20,002) | 31.3 (10,022) | 34.3 (10,022) | 25.6 (10,022) |',
  '| `--transfers 64 --checkers 64` | 52.8 (20,002) | 19.7 (10,022) | 12.2 (10,022) | 15.6 (10,022) |',
  '| 32/32 `--fast-list` | 50.7 (30,014) | 22.5 (10,011) | 9.4 (10,011) | 11.2 (10,011) |',
  '| 32/32 `--fast-list --size-only` | 30.8 (20,002) | 27.6 (10,011) | 6.0 (11) | 4.3 (11) |',
  '| 32/32 `--fast-list --use-server-modtime` | 48.3 (20,002) | 29.4 (10,011) | 3.9 (11) | 63.7 (20,011) |',
  '| 32/32 `--fast-list --size-only --s3-no-head --s3-no-check-bucket` | 35.2 (10,002) | 24.0 (10,011) | 1.6 (11) | 1.1 (11) |',
  '| 32/32 `--fast-list --checksum --s3-no-head --s3-no-check-bucket` (chosen) | 25.3 (10,002) | 28.3 (10,011) | 6.0 (11) | 4.5 (11) |',
  '',
  'The request counts decide it: by default rclone reads each object\'s modification time from its metadata',
  '(a HEAD per file on every repeat) and HEADs every object it uploads; `--fast-list` lists the prefix in',
  '11 requests instead of one per folder; `--s3-no-head` drops the HEAD after each upload. `--size-only`',
  'decides "present" from the listing alone, but misses a file rewritten at the same size (the "1% changed"',
  'case: it uploaded nothing), so the benchmark uses `--checksum`: size and MD5 against the listing\'s ETags,',
  'which reads the local files but makes no request per file. Beyond 32',
  'transfers the times are within the noise of the shared machine. `--use-server-modtime` makes a save',
  'with nothing changed upload everything again (the server\'s time is the upload\'s, never the file\'s).',
  '',
];

export const peerMethod: readonly string[] = [
  `- rclone runs \`rclone copy\` both ways with \`${rcloneFlags.join(' ')}\` (and \`${rcloneLargeFileFlags.join(' ')}\` on D1),`,
  '  the remote given by `RCLONE_S3_*` variables and no config file, `AWS_CA_BUNDLE` removed (rclone refuses',
  '  to start with it set). "Present" and "unchanged" are rclone\'s own check, by size and MD5 (see the sweep below).',
  '- tar+zstd is actions/cache\'s method: `tar -cf - <dir> | zstd -T0 -1 | aws s3 cp - s3://…` and back',
  '  `aws s3 cp s3://… - | zstd -d | tar -xf -`. It cannot tell present files from missing ones, so a restore',
  '  with all present downloads and extracts everything again; a save with nothing changed is the check',
  '  that the key exists (`aws s3api head-object`), which is all actions/cache does on a hit; a changed tree',
  '  is archived and sent whole under a new key. Its CPU is the whole pipeline\'s; its peak RSS is that of',
  '  its largest process (GNU time reports the largest, not the sum).',
  '- The one-object limit: the dataset\'s tar, made once outside the timing, sent by one `curl --upload-file`',
  '  (PUT) and fetched by one `curl --output` (GET), unsigned (s3rver checks a signature only when one is',
  '  sent), through the same proxy. Nothing moves those bytes with less work: "stoat/limit" is how far stoat',
  '  is from the floor. It has only the two cold cases.',
  '- Within each run the tools take turns, the first of one run going last in the next.',
];
