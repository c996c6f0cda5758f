/**
 * The git commit the harness runs from, for `manifest.json`. It is kept out
 * of REPORT.md, the tables and the figures on purpose: those must come out
 * byte for byte the same from the same results, whichever commit renders
 * them.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** Where the harness's source stands in git. */
export interface GitState {
  /** Full hash of `HEAD`. */
  commit: string;
  /**
   * Whether tracked files outside `results/` differ from `HEAD` (the numbers
   * may come from uncommitted code). Committed results are left out: a study
   * rewrites them, and that is output, not code.
   */
  dirty: boolean;
}

/** Runs git in `directory`; `undefined` when git is missing or fails. */
async function runGit(
  gitBinary: string,
  directory: string,
  args: string[],
): Promise<string | undefined> {
  try {
    const output = await new Deno.Command(gitBinary, {
      args,
      cwd: directory,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return output.success ? new TextDecoder().decode(output.stdout).trim() : undefined;
  } catch {
    // No git binary, or the directory is gone: there is simply no commit to record.
    return undefined;
  }
}

/** The directory of the harness's own source (this file's repository), if it is on disk. */
export function sourceDirectory(): string | undefined {
  const url = new URL("../..", import.meta.url);
  return url.protocol === "file:" ? fileURLToPath(url) : undefined;
}

/**
 * The commit of the git repository holding `directory` (default: the
 * harness's source) and whether its tracked files are modified; `null` when
 * there is no git binary, no repository, or no commit yet.
 */
export async function readGitState(
  directory: string | undefined = sourceDirectory(),
  gitBinary = "git",
): Promise<GitState | null> {
  if (directory === undefined) return null;
  const commit = await runGit(gitBinary, directory, ["rev-parse", "--verify", "HEAD"]);
  if (commit === undefined || !/^[0-9a-f]{40,64}$/.test(commit)) return null;
  const status = await runGit(gitBinary, directory, [
    "status",
    "--porcelain",
    "--untracked-files=no",
    "--",
    ".",
    ":(exclude)results",
  ]);
  return { commit, dirty: status === undefined ? true : status !== "" };
}
