/**
 * A throwaway single-node Slurm cluster for tests: a generated slurm.conf in
 * a temporary directory (its own ports, state and logs), `slurmctld` and
 * `slurmd` in the foreground as children of the test (stopped by their pids),
 * and `munged` started as the `munge` user when none is running.
 *
 * Settings that work on one machine: `SlurmUser=root`,
 * `ProctrackType=proctrack/linuxproc`, `TaskPlugin=task/none`,
 * `SelectType=select/cons_tres`, `NodeName=$(hostname -s) CPUs=$(nproc)`; no
 * accounting. Needs root and Debian's `slurmctld`, `slurmd`, `slurm-client`
 * and `munge`.
 *
 * @module
 */
import { join } from "node:path";

/** A running throwaway cluster. */
export interface ThrowawayCluster {
  /** Environment for commands that talk to it (`SLURM_CONF`). */
  env: Record<string, string>;
  /** The temporary directory holding its configuration, state and logs. */
  directory: string;
  /** Stops the daemons this cluster started (by pid) and removes its directory. */
  stop(): Promise<void>;
}

const COMMANDS = ["slurmctld", "slurmd", "sbatch", "sinfo", "scontrol", "munged", "munge"];

async function commandExists(name: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("sh", {
      args: ["-c", `command -v ${name}`],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

/** Why a throwaway cluster cannot start here, or `undefined` when it can. */
export async function clusterUnavailable(): Promise<string | undefined> {
  if (Deno.build.os !== "linux") return "Slurm's daemons run on Linux only";
  if (Deno.uid() !== 0) return "the Slurm daemons of the test must run as root";
  const missing: string[] = [];
  for (const name of COMMANDS) if (!(await commandExists(name))) missing.push(name);
  if (missing.length > 0) return `${missing.join(", ")} not found`;
  return undefined;
}

/** A TCP port nothing listens on now. */
function freePort(): number {
  const listener = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function run(command: string, args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(command, { args, env, stdout: "piped", stderr: "piped" })
    .output();
  const decoder = new TextDecoder();
  return {
    success: output.success,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Starts munged (as the munge user) unless one answers already; returns its pid when started. */
async function ensureMunge(): Promise<number | undefined> {
  const probe = () => run("sh", ["-c", "munge -n | unmunge"]);
  if ((await probe()).success) return undefined;
  await Deno.mkdir("/run/munge", { recursive: true });
  const owner = await run("sh", ["-c", "chown munge:munge /run/munge && chmod 755 /run/munge"]);
  if (!owner.success) throw new Error(`cannot prepare /run/munge: ${owner.stderr}`);
  const started = await run("su", ["-s", "/bin/sh", "munge", "-c", "munged"]);
  if (!started.success) throw new Error(`munged did not start: ${started.stderr}`);
  for (let attempt = 0; attempt < 50 && !(await probe()).success; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = Number((await Deno.readTextFile("/run/munge/munged.pid").catch(() => "")).trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Starts a single-node cluster whose node is idle and ready for jobs. */
export async function startCluster(): Promise<ThrowawayCluster> {
  const directory = await Deno.makeTempDir({ prefix: "slurm-cluster-" });
  const host = (await run("hostname", ["-s"])).stdout.trim();
  const cpus = navigator.hardwareConcurrency || 1;
  const conf = join(directory, "slurm.conf");
  await Deno.mkdir(join(directory, "state"));
  await Deno.mkdir(join(directory, "spool"));
  await Deno.writeTextFile(
    conf,
    [
      "ClusterName=harness-test",
      `SlurmctldHost=${host}`,
      "SlurmUser=root",
      "SlurmdUser=root",
      "AuthType=auth/munge",
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_Core",
      "MpiDefault=none",
      "SchedulerType=sched/backfill",
      "ReturnToService=2",
      "JobCompType=jobcomp/none",
      "AccountingStorageType=accounting_storage/none",
      "JobAcctGatherType=jobacct_gather/none",
      `StateSaveLocation=${join(directory, "state")}`,
      `SlurmdSpoolDir=${join(directory, "spool")}`,
      `SlurmctldPidFile=${join(directory, "slurmctld.pid")}`,
      `SlurmdPidFile=${join(directory, "slurmd.pid")}`,
      `SlurmctldLogFile=${join(directory, "slurmctld.log")}`,
      `SlurmdLogFile=${join(directory, "slurmd.log")}`,
      `SlurmctldPort=${freePort()}`,
      `SlurmdPort=${freePort()}`,
      `NodeName=${host} CPUs=${cpus} State=UNKNOWN`,
      `PartitionName=test Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      "",
    ].join("\n"),
  );
  const env = { SLURM_CONF: conf };
  const mungePid = await ensureMunge();
  const daemons = ["slurmctld", "slurmd"].map((daemon) =>
    new Deno.Command(daemon, {
      args: ["-D", "-f", conf],
      env,
      stdout: "null",
      stderr: "null",
    }).spawn()
  );
  const stop = async () => {
    for (const daemon of daemons) {
      try {
        daemon.kill("SIGTERM");
      } catch {
        // Already ended.
      }
      await daemon.status;
    }
    if (mungePid !== undefined) {
      try {
        Deno.kill(mungePid, "SIGTERM");
      } catch {
        // Already ended.
      }
    }
    await Deno.remove(directory, { recursive: true }).catch(() => {});
  };
  // The node registers within seconds; give a loaded machine 60.
  const deadline = Date.now() + 60_000;
  let state = "";
  while (Date.now() < deadline) {
    state = (await run("sinfo", ["-h", "-N", "-o", "%t"], env)).stdout.trim();
    if (state === "idle") return { env, directory, stop };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const log = await Deno.readTextFile(join(directory, "slurmctld.log")).catch(() => "");
  await stop();
  throw new Error(`the node did not become idle (state "${state}"); slurmctld.log:\n${log}`);
}
