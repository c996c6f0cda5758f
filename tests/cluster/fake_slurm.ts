/**
 * A stand-in for Slurm's `sbatch` and `scontrol`, for testing `deno task
 * slurm` where no cluster exists: shell scripts on a private PATH that log
 * their arguments and, when asked, run the submitted scripts at once (the
 * array's tasks one after the other, then the report), as a one-node
 * scheduler with nothing else queued would.
 *
 * @module
 */
import { join } from "node:path";

/** A fake Slurm installation in a directory. */
export interface FakeSlurm {
  /** Directory holding `sbatch` and `scontrol` (put it first on the PATH). */
  bin: string;
  /** File each fake command appends one line to: its name, arguments and SLURM_CONF. */
  log: string;
  /** Environment for the harness: the fake first on the PATH, and where to log. */
  env: Record<string, string>;
}

const SBATCH = `#!/bin/bash
# Logs the call, prints a fresh job id; with FAKE_SLURM_RUN=1 runs the script.
dir="$FAKE_SLURM_DIR"
echo "sbatch $* SLURM_CONF=\${SLURM_CONF:-}" >> "$dir/log"
id=$(( $(cat "$dir/counter" 2>/dev/null || echo 100) + 1 ))
echo "$id" > "$dir/counter"
script="\${@: -1}"
wait=0
for argument in "$@"; do [ "$argument" = --wait ] && wait=1; done
echo "$id"
[ "\${FAKE_SLURM_RUN:-0}" = 1 ] || exit 0
tasks=$(sed -n 's/^#SBATCH --array=1-\\([0-9]*\\)$/\\1/p' "$script")
if [ -n "$tasks" ]; then
  for task in $(seq 1 "$tasks"); do
    [ "$task" = "\${FAKE_SLURM_SKIP_TASK:-}" ] && continue
    SLURM_ARRAY_JOB_ID=$id SLURM_ARRAY_TASK_ID=$task SLURM_CPUS_PER_TASK=1 \\
      bash "$script" >> "$dir/task-$task.out" 2>&1 || echo "task $task failed" >> "$dir/log"
  done
  exit 0
fi
bash "$script" >> "$dir/report.out" 2>&1
status=$?
[ "$wait" = 1 ] && exit "$status"
exit 0
`;

const SCONTROL = `#!/bin/bash
echo "scontrol $*" >> "$FAKE_SLURM_DIR/log"
`;

/** Creates the fake commands in `directory`. */
export async function fakeSlurm(directory: string): Promise<FakeSlurm> {
  const bin = join(directory, "bin");
  await Deno.mkdir(bin, { recursive: true });
  for (const [name, text] of [["sbatch", SBATCH], ["scontrol", SCONTROL]]) {
    await Deno.writeTextFile(join(bin, name), text, { mode: 0o755 });
  }
  return {
    bin,
    log: join(directory, "log"),
    env: { FAKE_SLURM_DIR: directory, PATH: `${bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}` },
  };
}

/** The lines logged so far. */
export async function loggedCalls(slurm: FakeSlurm): Promise<string[]> {
  try {
    return (await Deno.readTextFile(slurm.log)).split("\n").filter((line) => line !== "");
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}
