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

const pipelineOptions = `Project options:
  --project FILE_OR_DIR  the project file, or the folder with project.yml or stoat.yml
                         (default: the current folder)
  --vars.NAME VALUE      override vars.NAME of the file (WEASEL_CONFIG_OVERRIDES wins, as in Weasel)
  --remote NAME_OR_URL   a name from the file's remotes, or a URL (default: the file's
                         stoat: remote, else its remotes: default, else as for stoat exec)
  --scope NAME           the scope to write and read first (default: local)
  --concurrency N        transfers at once (default: the file's stoat: concurrency, else 16)
  --s3-endpoint URL, --s3-region REGION, --s3-force-path-style, --timeout SECONDS,
  --fail-on-cache-error, --no-hash-cache: as for stoat exec`;

const storeOptions = `Store options:
  --remote URL           s3://bucket/prefix, file:///path, a directory, or gha
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
  stoat run [NAME...] [options]       run a project's workflows or commands as a DAG
  stoat plan NAME... [options]        what run would skip, restore or run, and why
  stoat push [NAME...] [options]      save the outputs of a project's commands
  stoat pull [NAME...] [options]      restore the outputs of a project's commands
  stoat report FOLDER [options]       one summary of a pipeline run spread over jobs
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

The GitHub Actions cache (--remote gha) cannot be listed: it evicts by itself, and du shows
the newest result of each output named, and whether the cache still holds all it needs.
  --output PATH          with gha: an output to look up (repeatable)

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

The GitHub Actions cache (--remote gha) evicts by itself and cannot be listed: prune
removes nothing there, and shows what du shows of the outputs named with --output.

${storeOptions}`,
  run: `Usage: stoat run [NAME...] [options]

Runs the named workflows and commands of a project file (Weasel's project.yml, or stoat.yml in
the same format) and whatever upstream they need, as a DAG: edges go from a command's outputs to
the commands that list them in deps. Per step: outputs present and made under its key (recorded in
.stoat/state.json) are skipped without asking the remote; else a saved result is restored; else the
script runs (each line split like a shell splits words, run without a shell, in the project folder)
and its outputs are saved. Independent steps run at once, each output line prefixed with the step's
name. A failing step stops the steps after it; the others finish; the exit code is then 1. Without
a NAME, lists the commands and workflows.

${pipelineOptions}
  --jobs N               steps at once (default: the number of cores; 1 runs them in file order)
  --pull needed|all      needed: restore only what a step that runs reads and the named
                         targets' outputs (default); all: every saved result
  --save auto|always|never   when to save after a run (default: auto)
  --json                 print {"steps":[{name,status,reason,key,duration_ms}]} alone on
                         standard output; the commands' output goes to standard error
  --step NAME            run exactly this step (repeatable), as one job of a run spread over
                         jobs: the steps it needs are restored from the remote, never run, and
                         one with no saved result makes it not run
  --job-url URL          with --json, add "job_url" to every step (the job that ran it)
  --help`,
  plan: `Usage: stoat plan NAME... [options]

Says for every step run would cover whether it would be skipped (skip), restored (hit), run (run),
or is pending (its key depends on an upstream step that must run), with the reason, without running
or downloading anything: a step below a saved result gets its key from that result's manifests.

${pipelineOptions}
  --json                 print {"steps":[{name,status,key,needs,reason}],"waves":[[names]]}
  --help`,
  push: `Usage: stoat push [NAME...] [options]

Saves the outputs of every command given (default: all) whose outputs are present and whose deps
are current. Outputs recorded as made from other deps are left alone. Never saves outputs_no_cache.

${pipelineOptions}
  --json                 print {"commands":[{name,status,reason}]}
  --help`,
  pull: `Usage: stoat pull [NAME...] [options]

Restores every command given (default: all) that has a saved result for its deps as they are on
disk, pass after pass until nothing more comes, so outputs whose deps are other commands' outputs
come too.

${pipelineOptions}
  --json                 print {"commands":[{name,status,reason}]}
  --help`,
  report: `Usage: stoat report FOLDER [options]

Puts a pipeline run spread over jobs back together: reads FOLDER/plan.json (stoat plan --json) and
every FOLDER/steps/*.json (each job's stoat run --json) and writes one summary: the steps with their
verdicts, the graph coloured by verdict, a link per step to the job that ran it. A planned step no
job reported is shown as not run. Exits 1 when a step failed or did not run.

  --summary FILE         write the Markdown summary to FILE (default: print it)
  --outputs FILE         append hit=true|false and ran=[names] to FILE (GITHUB_OUTPUT's format)
  --help`,
};
