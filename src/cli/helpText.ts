const stepOptions = `Step options:
  --deps PATH            a file, directory or glob the command reads (repeatable)
  --outputs PATH         a file or directory the command writes (repeatable)
  --env NAME             an environment variable whose value joins the key (repeatable)
  --key-extra TEXT       any extra text to join the key
  --working-directory DIR  where paths are relative to and the command runs (default: .)
  --no-hash-cache        read every dep and output file, instead of trusting the
                         digests remembered for files whose device, inode, size,
                         mtime and ctime are unchanged (in $XDG_CACHE_HOME/stoat/hash-cache)

Remote options:
  --remote URL           s3://bucket/prefix, file:///path, a directory, or gha: the
                         GitHub Actions cache, in a job's run: step after a stoat step
                         with export-runtime: true (default: $STOAT_REMOTE, else gha
                         where the cache's variables are set, else $XDG_CACHE_HOME/stoat
                         or ~/.cache/stoat)
  --scope NAME           the scope to write and read first (default: local; on GitHub
                         Actions the event's scope, and NAME only a sub-scope of it: gpu
                         writes pr-7@gpu on pull request 7, never trusted or another scope)
  --s3-endpoint URL      an S3-compatible server (default: AWS, or $AWS_ENDPOINT_URL_S3)
  --s3-region REGION     (default: $AWS_REGION, else us-east-1)
  --s3-force-path-style  address buckets by path (default for custom endpoints)
  --concurrency N        transfers at once (default: 16)
  --timeout SECONDS      how long an S3 request may wait for a byte before it fails
                         and is retried, up to 3 attempts (default: 30)
  --fail-on-cache-error  fail when the remote fails, instead of running as on a miss

Output options:
  --json                 print the JSON report on standard output, alone: the
                         command's own output goes to standard error
  --help`;

const storeOptions = `Store options:
  --remote URL           s3://bucket/prefix, file:///path or a directory
                         (default: $STOAT_REMOTE, else $XDG_CACHE_HOME/stoat or ~/.cache/stoat)
  --grace DURATION       how long a save may still be under way: nothing written
                         more recently is removed or deleted (default: 1h; 0s when
                         no save is running)
  --s3-endpoint URL      an S3-compatible server (default: AWS, or $AWS_ENDPOINT_URL_S3)
  --s3-region REGION     (default: $AWS_REGION, else us-east-1)
  --s3-force-path-style  address buckets by path (default for custom endpoints)
  --concurrency N        requests at once (default: 16)
  --timeout SECONDS      how long an S3 request may wait for a byte (default: 30)
  --json                 print the report as JSON
  --help`;

export const helpTexts: Record<string, string> = {
  stoat: `stoat: make a pipeline step cheap to repeat.

Usage:
  stoat exec [options] -- CMD...      restore the outputs, or run CMD and save them
  stoat restore [options] --command STR   restore the outputs if a saved result exists
  stoat save [options] --command STR      save the outputs of a command that ran
  stoat explain [options] --command STR   would a restore hit, and if not, why
  stoat log --outputs PATH [options]      the saved results of an output, newest first
  stoat du [options]                  what the store holds, by output and scope
  stoat prune [options]               remove old results, then the objects none uses
  stoat hash [--json] PATH...         md5, sha1 and sha256 of every file under PATHs
  stoat verify PATH MANIFEST          compare a file or directory with a manifest
  stoat --version

Run "stoat COMMAND --help" for a command's options.`,
  exec: `Usage: stoat exec [options] -- CMD...

Hashes the command and the content of its deps into a key. If the remote holds outputs saved under
that key, restores them (verified byte for byte) and does not run CMD. Otherwise runs CMD with
bash -eo pipefail and saves its outputs, saying why it missed: what differs from the nearest
earlier result (see stoat explain). One CMD argument is a script as written; several are quoted and
joined. Exits with CMD's exit code when it fails.

  --save auto|always|never   when to save after a run (default: auto)

${stepOptions}`,
  restore: `Usage: stoat restore [options] --command STR

Restores the outputs saved for the command string STR and the deps' content. Exits 0 on a hit
and on a miss; the report (--json) says which, and on a miss why.

${stepOptions}`,
  save: `Usage: stoat save [options] --command STR

Saves the outputs under the key of the command string STR and the deps as they are now.

${stepOptions}`,
  hash: `Usage: stoat hash [--json] PATH...

Prints size, md5, sha1 and sha256 of every file under each PATH (files, directories, globs),
reading each file once. The digests equal what md5sum, sha1sum and sha256sum print.`,
  verify: `Usage: stoat verify PATH MANIFEST

Compares the file or directory PATH with the manifest MANIFEST and lists every added, removed and
modified file. Exits 1 when they differ, 0 when they match. MANIFEST is a file (a directory
remote's manifest is one), a file:// URL, or s3://bucket/key as the job summary prints it.

  --json                 print the comparison as JSON
  --s3-endpoint URL      an S3-compatible server (default: AWS, or $AWS_ENDPOINT_URL_S3)
  --s3-region REGION     (default: $AWS_REGION, else us-east-1)
  --s3-force-path-style  address buckets by path (default for custom endpoints)`,
  explain: `Usage: stoat explain [options] --command STR

Hashes the deps and looks for a saved result as stoat restore would, without restoring or running
anything. On a miss, names what differs from the nearest earlier result of the outputs (the newest
in the scopes read): the command's changed lines, deps added, removed or changed, env names whose
values changed (values are never shown), key-extra, declared outputs; or says it is a first run.

${stepOptions}`,
  log: `Usage: stoat log --outputs PATH [--command STR] [options]

Lists the saved results of the output PATH, newest first: when, commit, scope, tree hash, key,
where the manifest is, and what differs from the result saved before it.

  --command STR          only results saved by this command string
  --limit N              how many to list (default: 20)
  --all-scopes           every scope, not only the ones this run reads

${stepOptions}`,
  du: `Usage: stoat du [options]

Shows what the store holds: bytes and objects in total, what restoring every result would write
and how much sharing saves, objects no result uses, and by output and by scope the results, the
bytes their objects take (and those no other output or scope shares) and the oldest and newest
result. Lists missing and damaged objects and unusable manifests. Reads every manifest.

${storeOptions}`,
  prune: `Usage: stoat prune [options]

Removes the results the rules choose, then deletes the objects no result uses. Without a rule it
is a dry run: it lists what would go and the bytes it would free, and changes nothing.

Rules (with both, a result goes only when both let it go):
  --keep-last N          per output and scope, keep the newest N results
  --older-than DURATION  remove results saved longer ago than DURATION: a whole
                         number and a unit, s, m, h or d (30d, 12h, 15m, 0s)
  --unused-only          remove no result; delete only the objects none uses
  --scope NAME           only this scope and its sub-scopes (repeatable); without
                         it every scope but trusted, which is pruned only when named
  --output PATH          only this output (repeatable)
  --dry-run              list what would go, and change nothing

Safe beside running saves: nothing written within the grace period (--grace) is
removed or deleted; the objects only the removed results used stay for the grace
period, for a save that started from one of them, and a later prune deletes them;
the manifests are read again before objects are deleted, and an object that any
manifest uses is never deleted. Damaged and missing objects and unusable manifests
are reported and left alone. Exits 1 if a result saved while it ran lost an object.

${storeOptions}`,
};
