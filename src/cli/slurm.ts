/**
 * `slurm FILE... [--profile NAME] [--out DIR] [--tasks N] [--cpus-per-task C]
 * [--partition P] [--time HH:MM:SS] [--mem M] [--account A] [--dry-run] [--wait]`:
 * writes `DIR/slurm/<name>.sbatch` (a job array of N tasks, task I computing
 * shard I/N of the study on the shared `DIR/runs`) and
 * `DIR/slurm/<name>-report.sbatch` (the report, after the whole array),
 * submits both with `sbatch --parsable`, and prints the job ids and how to
 * follow them. `--dry-run` prints the plan and the scripts and submits
 * nothing; `--wait` returns when the report job ends, with its status (0 only
 * when every run is stored and the report written). See runner/slurm.ts.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { join, relative, resolve } from "node:path";
import { writeFileAtomic } from "../atomic_file.ts";
import { formatDuration } from "../runner/progress.ts";
import { estimatedRunSeconds } from "../runner/cost_estimate.ts";
import { planShards } from "../runner/shard.ts";
import {
  arrayScript,
  reportScript,
  slurmDirectory,
  type SlurmJobSettings,
} from "../runner/slurm.ts";
import { prepareStudy } from "../runner/study.ts";
import {
  type CommandHelp,
  type OptionValue,
  parseCommandLine,
  positiveInteger,
  stringOption,
} from "./options.ts";
import { UsageError } from "./usage_error.ts";

/** What `slurm --help` prints besides the options. */
export const SLURM_HELP: CommandHelp = {
  usage: "slurm FILE... [options]",
  summary: "Runs a study on a Slurm cluster: writes a job array whose task I computes shard I/N " +
    "into the shared DIR/runs, and a report job that runs after it, and submits both with " +
    "sbatch.",
};

/** Array tasks when `--tasks` is not given. */
export const DEFAULT_TASKS = 4;

/** The repository the job scripts run the harness from. */
const REPOSITORY = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

/** A flag value that must match `pattern`, or `undefined` when absent. */
function matchingOption(
  name: string,
  value: OptionValue,
  pattern: RegExp,
  expected: string,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !pattern.test(value)) {
    throw new UsageError(`slurm: --${name} must be ${expected}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The job name: the experiment's name for one file, else `study`; safe for Slurm and file names. */
function jobName(files: string[], experimentNames: string[]): string {
  const name = files.length === 1 ? experimentNames[0] : "study";
  return name.replace(/[^A-Za-z0-9._-]/g, "-") || "study";
}

/** Runs `sbatch` with `args`; returns its first output line (the job id) and its exit status. */
async function submit(
  args: string[],
  onJobId: (id: string) => void,
): Promise<{ id: string; code: number }> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("sbatch", { args, stdout: "piped", stderr: "piped" }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new UsageError(
        "slurm: sbatch is not on the PATH: run this on a Slurm login node, or use --dry-run " +
          "to see the scripts",
      );
    }
    throw error;
  }
  const stderr = new Response(child.stderr).text();
  // Read the id as soon as sbatch prints it: with --wait it then blocks until the job ends.
  let id = "";
  let buffered = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    buffered += decoder.decode(chunk, { stream: true });
    if (id === "" && buffered.includes("\n")) {
      id = buffered.slice(0, buffered.indexOf("\n")).split(";")[0].trim();
      if (/^\d+$/.test(id)) onJobId(id);
    }
  }
  const status = await child.status;
  if (id === "") id = buffered.trim().split(";")[0];
  if (!/^\d+$/.test(id)) {
    throw new Error(
      `slurm: sbatch ${args.join(" ")} failed (exit ${status.code}): ${
        (await stderr).trim().replace(/\s*\n\s*/g, " ")
      }`,
    );
  }
  return { id, code: status.code };
}

/** Runs the command; returns the exit code. */
export async function slurmCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    "slurm",
    args,
    {
      profile: { type: "string", valueName: "NAME", description: "profile applied to every file" },
      out: {
        type: "string",
        valueName: "DIR",
        description: "the study's folder on the shared file system: runs go to DIR/runs, the " +
          "scripts and logs to DIR/slurm, the report to DIR",
        defaultValue: "out",
      },
      tasks: {
        type: "string",
        valueName: "N",
        description: "array tasks, one shard of the study each (at most the number of runs)",
        defaultValue: String(DEFAULT_TASKS),
      },
      "cpus-per-task": {
        type: "string",
        valueName: "C",
        description: "cores per task; each task runs one run per core",
        defaultValue: "your sbatch default",
      },
      partition: { type: "string", valueName: "P", description: "sbatch --partition" },
      time: {
        type: "string",
        valueName: "HH:MM:SS",
        description: "time limit per task; tasks stop and requeue themselves 5 minutes before",
      },
      mem: { type: "string", valueName: "M", description: "sbatch --mem, e.g. 4G" },
      account: { type: "string", valueName: "A", description: "sbatch --account" },
      "dry-run": {
        type: "boolean",
        description: "print the plan and the scripts; write and submit nothing",
      },
      wait: {
        type: "boolean",
        description: "wait for the report job and exit with its status (0: every run stored, " +
          "report written)",
      },
      "data-dir": { type: "string", valueName: "DIR", description: "where to look for datasets" },
    },
    true,
    SLURM_HELP,
  );
  if (positionals.length === 0) {
    throw new UsageError("slurm: name at least one experiment file, e.g. experiments/smoke.json");
  }
  const requestedTasks = positiveInteger("slurm", "tasks", values.tasks) ?? DEFAULT_TASKS;
  const cpusPerTask = positiveInteger("slurm", "cpus-per-task", values["cpus-per-task"]);
  const name = /^[A-Za-z0-9_.,-]+$/;
  const partition = matchingOption("partition", values.partition, name, "a partition name");
  const account = matchingOption("account", values.account, name, "an account name");
  const time = matchingOption(
    "time",
    values.time,
    /^(\d+-)?\d+:[0-5]\d:[0-5]\d$/,
    "a time limit HH:MM:SS (or D-HH:MM:SS)",
  );
  const mem = matchingOption("mem", values.mem, /^\d+[KMGT]?$/, "a size such as 4G or 4000M");
  const profile = stringOption(values.profile);
  const outDir = resolve(stringOption(values.out) ?? "out");
  // Files inside the repository stay relative to it (the tasks run there), so the report names
  // them as a local run from the repository root does.
  const files = positionals.map((file) => {
    const path = resolve(file);
    return path.startsWith(`${REPOSITORY}/`) ? relative(REPOSITORY, path) : path;
  });

  const prepared = await prepareStudy(positionals, profile, stringOption(values["data-dir"]));
  const plan = planShards(prepared.specs, requestedTasks);
  const runs = plan.shards.reduce((sum, shard) => sum + shard.length, 0);
  // More tasks than runs would leave tasks with nothing to do.
  const tasks = Math.min(requestedTasks, Math.max(1, runs));
  const shards = tasks === requestedTasks ? plan : planShards(prepared.specs, tasks);
  const settings: SlurmJobSettings = {
    name: jobName(files, prepared.experiments.map(({ experiment }) => experiment.name)),
    repository: REPOSITORY,
    deno: Deno.execPath(),
    files,
    profile,
    outDir,
    tasks,
    cpusPerTask,
    partition,
    time,
    mem,
    account,
  };

  console.log(
    `${runs} runs in ${tasks} task${tasks === 1 ? "" : "s"}` +
      (tasks < requestedTasks ? ` (not ${requestedTasks}: there are only ${runs} runs)` : "") +
      `; estimated ${formatHours(sum(shards.seconds))} in all:`,
  );
  shards.shards.forEach((shard, index) => {
    const longest = Math.max(0, ...shard.map(estimatedRunSeconds));
    console.log(
      `  shard ${index + 1}/${tasks}: ${shard.length} runs, ` +
        `${formatHours(shards.seconds[index])}, longest run ${formatDuration(longest)}`,
    );
  });

  const directory = slurmDirectory(outDir);
  const arrayPath = join(directory, `${settings.name}.sbatch`);
  const reportPath = join(directory, `${settings.name}-report.sbatch`);
  const scripts = [
    [arrayPath, arrayScript(settings)],
    [reportPath, reportScript(settings)],
  ] as const;
  if (values["dry-run"] === true) {
    for (const [path, text] of scripts) console.log(`\n# ${path}\n${text}`);
    console.log("dry run: nothing written, nothing submitted");
    return 0;
  }
  for (const [path, text] of scripts) await writeFileAtomic(path, text);

  const array = await submit(["--parsable", arrayPath], () => {});
  console.log(`submitted job array ${array.id} (${tasks} tasks): ${arrayPath}`);
  const wait = values.wait === true;
  const report = await submit(
    ["--parsable", `--dependency=afterany:${array.id}`, ...(wait ? ["--wait"] : []), reportPath],
    (id) => {
      console.log(`submitted report job ${id} (after every task of ${array.id}): ${reportPath}`);
      console.log(
        `follow: squeue -j ${array.id},${id}; logs: ${directory}/; ` +
          `report: ${join(outDir, "REPORT.md")}`,
      );
      console.log(
        "resume: submit the same command again (stored runs are skipped, checkpoints resumed)",
      );
      if (wait) console.log(`waiting for report job ${id} to end ...`);
    },
  );
  if (!wait) return 0;
  console.log(`report job ${report.id} ended with exit code ${report.code}`);
  return report.code === 0 ? 0 : 1;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** `N core-hours` to two significant digits (at least the units), and the time itself when small. */
function formatHours(seconds: number): string {
  const hours = seconds / 3600;
  const text = hours >= 10 ? hours.toFixed(0) : hours.toPrecision(2);
  return hours >= 1 ? `${text} core-hours` : `${text} core-hours (${formatDuration(seconds)})`;
}
