/**
 * Slurm job scripts for a study: a job array whose task I of N computes
 * shard I/N of the study (`run --shard`) on a store every task shares, and a
 * report job that runs after the whole array (`afterany`) and writes the
 * tables, figures and REPORT.md, failing when any run is missing. Slurm does
 * the scheduling; the harness only writes the scripts.
 *
 * Only the settings the user gave are written as `#SBATCH` lines (besides
 * the array, job name, log files, `--signal` and `--requeue`), so the user's
 * defaults (`SBATCH_*` variables, the cluster's configuration) apply to the
 * rest; `sbatch` reads `SLURM_CONF` from the environment as usual.
 *
 * Time limits and preemption: the array asks for SIGUSR1 to its batch shell
 * {@link SIGNAL_SECONDS} seconds before the time limit. The shell passes
 * SIGTERM on to the harness, which stops its sweep: finished runs are
 * stored, and a checkpointed run finishes its epoch, writes its checkpoint
 * and stops (see sweep.ts); the shell then requeues its task (`scontrol
 * requeue`), and the
 * requeued task resumes from the checkpoints with the same results, bit for
 * bit. A preempted task gets SIGTERM from Slurm directly and is requeued by
 * `--requeue`.
 *
 * @module
 */

/** Seconds before the time limit at which the array's tasks are told to stop. */
export const SIGNAL_SECONDS = 300;

/** What the scripts need to know. */
export interface SlurmJobSettings {
  /** Job name (letters, digits, `.`, `_`, `-`). */
  name: string;
  /** Absolute path of the repository the tasks run in. */
  repository: string;
  /** Absolute path of the Deno executable (tasks may override it with `DENO`). */
  deno: string;
  /** The experiment files: absolute, or relative to the repository. */
  files: string[];
  /** Profile, when one is applied. */
  profile?: string;
  /** Absolute path of the study's output directory (the store is `<out>/runs`). */
  outDir: string;
  /** Number of array tasks (= shards). */
  tasks: number;
  /** `--cpus-per-task`, when given. */
  cpusPerTask?: number;
  /** `--partition`, when given. */
  partition?: string;
  /** `--time`, when given. */
  time?: string;
  /** `--mem`, when given. */
  mem?: string;
  /** `--account`, when given. */
  account?: string;
}

/** Quotes a word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The `#SBATCH` lines of the settings the user gave (shared by both jobs). */
function optionalDirectives(settings: SlurmJobSettings): string[] {
  const lines: string[] = [];
  if (settings.partition !== undefined) lines.push(`#SBATCH --partition=${settings.partition}`);
  if (settings.account !== undefined) lines.push(`#SBATCH --account=${settings.account}`);
  if (settings.time !== undefined) lines.push(`#SBATCH --time=${settings.time}`);
  if (settings.mem !== undefined) lines.push(`#SBATCH --mem=${settings.mem}`);
  return lines;
}

/** The harness's command line for a task: `"$DENO" run --allow-all src/cli/main.ts <args>`. */
function harnessCommand(settings: SlurmJobSettings, command: string, extra: string[]): string {
  const words = [
    command,
    ...settings.files,
    ...(settings.profile === undefined ? [] : ["--profile", settings.profile]),
    "--out",
    settings.outDir,
  ].map(shellQuote);
  return `"$DENO" run --allow-all src/cli/main.ts ${[...words, ...extra].join(" ")}`;
}

function preamble(settings: SlurmJobSettings): string[] {
  return [
    "set -u",
    `cd ${shellQuote(settings.repository)}`,
    `DENO="\${DENO:-${shellQuote(settings.deno)}}"`,
  ];
}

/** Path of the slurm folder inside the output directory. */
export function slurmDirectory(outDir: string): string {
  return `${outDir}/slurm`;
}

/** The job-array script: task I of N computes shard I/N. */
export function arrayScript(settings: SlurmJobSettings): string {
  const logs = slurmDirectory(settings.outDir);
  const lines = [
    "#!/bin/bash",
    `#SBATCH --job-name=${settings.name}`,
    `#SBATCH --array=1-${settings.tasks}`,
    `#SBATCH --output=${logs}/${settings.name}-%A_%a.out`,
    "#SBATCH --open-mode=append",
    `#SBATCH --signal=B:USR1@${SIGNAL_SECONDS}`,
    "#SBATCH --requeue",
    ...(settings.cpusPerTask === undefined
      ? []
      : [`#SBATCH --cpus-per-task=${settings.cpusPerTask}`]),
    ...optionalDirectives(settings),
    `# Task I of ${settings.tasks} computes shard I/${settings.tasks} of the study into the shared`,
    "# store; the report job writes the report once every task has ended.",
    ...preamble(settings),
    "child=",
    "# Before the time limit: let the sweep stop (finished runs stored, long runs checkpointed),",
    "# then requeue this task; it resumes where it stopped.",
    "requeue() {",
    "  # A signal that comes between starting the sweep and recording its pid finds it in $!.",
    "  child=${child:-$!}",
    '  if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; wait "$child"; fi',
    '  scontrol requeue "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"',
    "  exit 0",
    "}",
    "trap requeue USR1",
    // Not --quiet: in a log the sweep prints one line per finished run, for following it.
    harnessCommand(settings, "run", [
      "--shard",
      `"\${SLURM_ARRAY_TASK_ID}/${settings.tasks}"`,
      "--workers",
      '"${SLURM_CPUS_PER_TASK:-1}"',
    ]) + " &",
    "child=$!",
    'wait "$child"',
    "status=$?",
    "# wait returns early when the trap runs; the trap exits itself.",
    'exit "$status"',
    "",
  ];
  return lines.join("\n");
}

/** The report job's script: fails (exit 1) unless every run of the study is stored. */
export function reportScript(settings: SlurmJobSettings): string {
  const logs = slurmDirectory(settings.outDir);
  const lines = [
    "#!/bin/bash",
    `#SBATCH --job-name=${settings.name}-report`,
    `#SBATCH --output=${logs}/${settings.name}-report-%j.out`,
    "#SBATCH --cpus-per-task=1",
    ...optionalDirectives(settings),
    "# Runs after every task of the array (afterany): writes the report when every run is stored.",
    ...preamble(settings),
    `exec ${harnessCommand(settings, "report", ["--require-complete"])}`,
    "",
  ];
  return lines.join("\n");
}
