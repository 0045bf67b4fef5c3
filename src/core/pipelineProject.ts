/**
 * A pipeline as a project file (Weasel's `project.yml`, or `stoat.yml` in the same format) declares
 * it, after `${vars.…}` and `${env.…}` are interpolated and the file is validated. What the loader
 * gives the planner and the runner; nothing here reads a disk.
 */
export interface PipelineCommand {
  name: string;
  help: string;
  /** Script lines, interpolated; each runs as Weasel runs it: split into words, without a shell. */
  script: string[];
  /** Paths relative to the project directory, interpolated, `/`-separated, without `./` or a trailing `/`. */
  deps: string[];
  outputs: string[];
  outputsNoCache: string[];
  /** `no_skip: true`: the command always runs. */
  noSkip: boolean;
  /** From the `stoat:` section: environment variable names whose values join the key. */
  env: string[];
  /** From the `stoat:` section: a string that joins the key. */
  keyExtra: string;
  /** Line of the command's entry in the file (1-based), for messages. */
  line: number;
}

export interface PipelineProject {
  /** The project file, absolute. */
  file: string;
  /** The folder the file is in: the working directory of every command, absolute. */
  directory: string;
  title: string;
  description: string;
  /** Commands in file order: the order that decides where the file is ambiguous. */
  commands: PipelineCommand[];
  /** Workflow name → command names, in order. */
  workflows: Map<string, string[]>;
  /** Remote name → URL, interpolated; `default` is used when no remote is given. */
  remotes: Map<string, string>;
  /** Folders to create before anything runs, relative to `directory`. */
  directories: string[];
  /**
   * Where the file's `assets:` go (their `dest`, interpolated). stoat does not fetch assets (that needs
   * the network and `weasel assets`); a missing dep listed here is named as an asset. The loader
   * always sets it.
   */
  assets?: string[];
  /** The `stoat:` section's settings, when given. */
  remote: string | undefined;
  concurrency: number | undefined;
}

/**
 * The steps a run covers and how they depend on each other: an edge goes from the command that lists a
 * path in `outputs`/`outputs_no_cache` to every command that lists that path, or a path inside it, in
 * `deps`. Ambiguities (a command whose deps are its own outputs, a path made by two commands, a
 * selection that leaves out a producer) are resolved by file order and named in `warnings`.
 */
export interface PipelineGraph {
  /** The selected commands and the upstream they need, in file order. */
  steps: string[];
  /** The commands the targets name (a workflow standing for its commands), in file order. */
  targets: string[];
  /** Step name → the steps it needs (their outputs are its deps), in file order. */
  needs: Map<string, string[]>;
  warnings: string[];
}

/** What happened to a step of a pipeline run: the verdicts of its table, its JSON and its summary. */
export type StepVerdict = 'skipped' | 'restored' | 'ran' | 'failed' | 'not-run';

export const stepVerdicts: readonly StepVerdict[] = ['skipped', 'restored', 'ran', 'failed', 'not-run'];
