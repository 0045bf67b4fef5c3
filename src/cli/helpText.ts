const stepOptions = `Step options:
  --deps PATH            a file, directory or glob the command reads (repeatable)
  --outputs PATH         a file or directory the command writes (repeatable)
  --env NAME             an environment variable whose value joins the key (repeatable)
  --key-extra TEXT       any extra text to join the key
  --working-directory DIR  where paths are relative to and the command runs (default: .)

Remote options:
  --remote URL           s3://bucket/prefix, file:///path or a directory
                         (default: $STOAT_REMOTE, else $XDG_CACHE_HOME/stoat or ~/.cache/stoat)
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

export const helpTexts: Record<string, string> = {
  stoat: `stoat: make a pipeline step cheap to repeat.

Usage:
  stoat exec [options] -- CMD...      restore the outputs, or run CMD and save them
  stoat restore [options] --command STR   restore the outputs if a saved result exists
  stoat save [options] --command STR      save the outputs of a command that ran
  stoat hash [--json] PATH...         md5, sha1 and sha256 of every file under PATHs
  stoat verify PATH MANIFEST          compare a file or directory with a manifest
  stoat --version

Run "stoat COMMAND --help" for a command's options.`,
  exec: `Usage: stoat exec [options] -- CMD...

Hashes the command and the content of its deps into a key. If the remote holds outputs saved under
that key, restores them (verified byte for byte) and does not run CMD. Otherwise runs CMD with
bash -eo pipefail and saves its outputs. One CMD argument is a script as written; several are
quoted and joined. Exits with CMD's exit code when it fails.

  --save auto|always|never   when to save after a run (default: auto)

${stepOptions}`,
  restore: `Usage: stoat restore [options] --command STR

Restores the outputs saved for the command string STR and the deps' content. Exits 0 on a hit
and on a miss; the report (--json) says which.

${stepOptions}`,
  save: `Usage: stoat save [options] --command STR

Saves the outputs under the key of the command string STR and the deps as they are now.

${stepOptions}`,
  hash: `Usage: stoat hash [--json] PATH...

Prints size, md5, sha1 and sha256 of every file under each PATH (files, directories, globs),
reading each file once. The digests equal what md5sum, sha1sum and sha256sum print.`,
  verify: `Usage: stoat verify PATH MANIFEST

Compares the file or directory PATH with the manifest file MANIFEST and lists every added,
removed and modified file. Exits 1 when they differ, 0 when they match.

  --json   print the comparison as JSON`,
};
