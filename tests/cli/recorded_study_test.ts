/**
 * A study folder knows its study: after `run FILE --out DIR`, `report`,
 * `verify` and `--dry-run` given only `--out DIR` use the study DIR's
 * manifest.json and study/ copies record, say so in one line, and warn of
 * an experiment file that changed or is gone (the recorded copy is used);
 * files, `--profile` or `--set` on the command line still win; and a
 * malformed manifest is exit 2 naming the manifest and the field, with
 * nothing written.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256Hex } from "../../src/config/run_id.ts";
import { SMOKE_FILE, tinyExperiment } from "../runner/fixtures.ts";
import { readTree, runCli } from "./cli.ts";

/** The first line of `text`. */
function firstLine(text: string): string {
  return text.split("\n")[0];
}

/** The closing summary line of a dry run. */
function summaryLine(stdout: string): string {
  return stdout.trimEnd().split("\n").at(-1) ?? "";
}

/** The report files of a study folder (REPORT.md, tables, figures, study copies). */
async function reportTree(out: string): Promise<Map<string, Uint8Array>> {
  return new Map(
    [...await readTree(out)].filter(([path]) =>
      !path.startsWith("runs/") && path !== "manifest.json"
    ),
  );
}

Deno.test("recorded study: report, verify and --dry-run with only --out use the study run there, not the quick profile", async () => {
  const root = await Deno.makeTempDir();
  try {
    // The scenario of issue 19, as a new user types it.
    const out = join(root, "sm");
    const run = await runCli(["run", "experiments/smoke.json", "--out", out, "--quiet"]);
    assert.equal(run.code, 0, run.stderr);
    const written = await reportTree(out);
    assert.deepEqual(
      written.get("study/smoke.json"),
      await Deno.readFile(SMOKE_FILE),
      "the study keeps a copy of its experiment file",
    );
    const manifest = JSON.parse(await Deno.readTextFile(join(out, "manifest.json")));
    assert.deepEqual(manifest.experiments, [{
      name: "smoke",
      file: "experiments/smoke.json",
      sha256: sha256Hex(await Deno.readTextFile(SMOKE_FILE)),
      runs: 16,
      snapshot: "study/smoke.json",
    }]);
    assert.equal(manifest.profile, null);

    const using = `using the study recorded in ${join(out, "manifest.json")}: ` +
      "experiments/smoke.json (no profile)";
    const report = await runCli(["report", "--out", out]);
    assert.equal(report.code, 0, report.stderr);
    const wrote = /\nwrote (\d+) files to /.exec(run.stdout)?.[1];
    assert.ok(wrote, run.stdout);
    assert.equal(report.stdout, `${using}\nwrote ${wrote} files to ${out}\n`);
    assert.equal(report.stderr, "", "no file changed, so no warning");
    assert.deepEqual(await reportTree(out), written, "report --out rewrote other bytes");

    const verify = await runCli(["verify", "--out", out, "--sample", "1"]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.equal(firstLine(verify.stdout), using);
    assert.match(verify.stdout, /^verifying 1 of 16 stored runs in /m);

    for (const command of ["run", "reproduce"]) {
      const dryRun = await runCli([command, "--dry-run", "--out", out]);
      assert.equal(dryRun.code, 0, `${command}: ${dryRun.stderr}`);
      assert.equal(firstLine(dryRun.stdout), using, command);
      assert.match(summaryLine(dryRun.stdout), /^16 runs: 16 stored, 0 missing, /, command);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** A study of a tiny experiment file run with `--set`, in a fresh temporary folder. */
async function tinyStudy(root: string): Promise<{ file: string; out: string }> {
  const file = join(root, "tiny.json");
  await Deno.writeTextFile(file, JSON.stringify(tinyExperiment({ seeds: [1, 2, 3] }), null, 2));
  const out = join(root, "out");
  // The override halves the study: a report without it would look for other runs.
  const run = await runCli(["run", file, "--set", "seeds=[1,2]", "--out", out, "--quiet"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^4 runs: 4 computed/);
  return { file, out };
}

Deno.test("recorded study: an experiment file edited or deleted after the run is named, and the recorded copy is used", async () => {
  const root = await Deno.makeTempDir();
  try {
    const { file, out } = await tinyStudy(root);
    const written = await reportTree(out);
    const using = `using the study recorded in ${join(out, "manifest.json")}: ${file} ` +
      "(no profile, --set seeds=[1,2])";

    // One more sparsity in the file: two more runs under the recorded --set.
    await Deno.writeTextFile(
      file,
      JSON.stringify(tinyExperiment({ seeds: [1, 2, 3], sparsities: [0.5, 0.8, 0.9] })),
    );
    const report = await runCli(["report", "--out", out]);
    assert.equal(report.code, 0, report.stderr);
    assert.equal(firstLine(report.stdout), using);
    assert.equal(
      report.stderr,
      `warning: ${file} changed since the study was recorded; the recorded copy ` +
        `${join(out, "study", "tiny.json")} is used (to use the files as they are now, describe ` +
        "the study on the command line: the files, --profile, --set)\n",
    );
    assert.doesNotMatch(report.stdout, /runs stored/, "the recorded study is complete");
    assert.deepEqual(await reportTree(out), written, "the changed file leaked into the report");

    const dryRun = await runCli(["run", "--dry-run", "--out", out]);
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(dryRun.stderr, /^warning: \S+tiny\.json changed since the study was recorded/);
    const lines = dryRun.stdout.trimEnd().split("\n");
    assert.match(
      lines.at(-2) ?? "",
      /^the experiment files as they are now would add 2 runs \(0 of them stored\) and drop 0 of the recorded study's; /,
    );
    assert.match(lines.at(-1) ?? "", /^4 runs: 4 stored, 0 missing, /);

    // Named on the command line, the file is used as it is now: 4 of its 6 runs are stored.
    const explicit = await runCli(["report", file, "--set", "seeds=[1,2]", "--out", out]);
    assert.equal(explicit.code, 0, explicit.stderr);
    assert.equal(explicit.stdout.includes("using the study recorded"), false);
    assert.match(explicit.stdout, /^4 of 6 runs stored: the report is marked incomplete\n/);
    // ... and the folder now records that study: the next report --out is of it, with no warning.
    const again = await runCli(["report", "--out", out]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, "");
    assert.match(again.stdout, /\n4 of 6 runs stored/);

    await Deno.remove(file);
    const gone = await runCli(["run", "--dry-run", "--out", out]);
    assert.equal(gone.code, 0, gone.stderr);
    assert.match(gone.stderr, /^warning: \S+tiny\.json no longer exists; the recorded copy /);
    assert.match(
      gone.stdout,
      /\nthe experiment files as they are now would add 0 runs \(0 of them stored\) and drop 6 of the recorded study's \(\S+tiny\.json no longer exists\); /,
    );
    assert.match(summaryLine(gone.stdout), /^6 runs: 4 stored, 2 missing, /);

    // run --out DIR continues the recorded study: it computes the two missing runs.
    const resumed = await runCli(["run", "--out", out, "--quiet"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /\n6 runs: 2 computed, 4 already stored/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("recorded study: FILE arguments, --profile or --set win over the manifest", async () => {
  const root = await Deno.makeTempDir();
  try {
    const { file, out } = await tinyStudy(root);
    // --set alone describes the study (the reproduce files, quick profile): none of it is here.
    const overridden = await runCli(["report", "--set", "seeds=[1]", "--out", out]);
    assert.equal(overridden.code, 2, overridden.stdout);
    assert.match(overridden.stderr, /^error: no stored runs in \S+: none of the study's \d+ runs/);
    const profiled = await runCli(["verify", "--profile", "quick", "--out", out]);
    assert.equal(profiled.code, 2, profiled.stdout);
    assert.match(profiled.stderr, /holds no stored run of this study/);
    // The file without the recorded --set: seeds 1, 2 and 3, of which 1 and 2 are stored.
    const named = await runCli(["run", file, "--dry-run", "--out", out]);
    assert.equal(named.code, 0, named.stderr);
    assert.equal(named.stdout.includes("using the study recorded"), false);
    assert.match(summaryLine(named.stdout), /^6 runs: 4 stored, 2 missing, /);
    // The same runs under another experiment name: the folder now records that study only.
    const renamed = join(root, "renamed.json");
    await Deno.writeTextFile(renamed, JSON.stringify(tinyExperiment({ name: "renamed" })));
    const other = await runCli(["report", renamed, "--out", out]);
    assert.equal(other.code, 0, other.stderr);
    assert.deepEqual(
      [...(await readTree(join(out, "study"))).keys()],
      ["renamed.json"],
      "the previous study's copy was left behind",
    );
    const recorded = await runCli(["report", "--out", out]);
    assert.match(recorded.stdout, new RegExp(`^using the study recorded in \\S+: ${renamed} `));
    // run with neither files nor a recorded study is still a usage error.
    const nothing = await runCli(["run", "--out", join(root, "empty")]);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /^error: run: name at least one experiment file/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** Edits the parsed manifest of `out` with `edit`. */
async function editManifest(out: string, edit: (manifest: Record<string, unknown>) => void) {
  const path = join(out, "manifest.json");
  const manifest = JSON.parse(await Deno.readTextFile(path));
  edit(manifest);
  await Deno.writeTextFile(path, JSON.stringify(manifest, null, 2));
}

Deno.test("recorded study: a malformed manifest or a missing or edited copy is exit 2 naming the manifest and the field, nothing written", async () => {
  const root = await Deno.makeTempDir();
  try {
    const { file, out } = await tinyStudy(root);
    const manifestPath = join(out, "manifest.json");
    const pristine = await Deno.readTextFile(manifestPath);
    const copy = join(out, "study", "tiny.json");
    const copyText = await Deno.readTextFile(copy);
    const experiment = (manifest: Record<string, unknown>) =>
      (manifest.experiments as Record<string, unknown>[])[0];
    const cases: { breakIt: () => Promise<void>; error: string; also?: string }[] = [
      {
        breakIt: () => Deno.writeTextFile(manifestPath, '{ "profile": null,'),
        error: `${manifestPath}: invalid JSON at line 1, column 19: `,
      },
      {
        breakIt: () => editManifest(out, (manifest) => delete manifest.profile),
        error: `${manifestPath}: $.profile: missing required setting; expected a profile name, ` +
          "or null for none",
      },
      {
        breakIt: () => editManifest(out, (manifest) => manifest.experiments = []),
        error: `${manifestPath}: $.experiments: expected at least 1 item, found []`,
      },
      {
        breakIt: () => editManifest(out, (manifest) => experiment(manifest).sha256 = "abc"),
        error: `${manifestPath}: $.experiments[0].sha256: expected 64 lower-case hex digits, ` +
          'found "abc"',
      },
      {
        breakIt: () => editManifest(out, (manifest) => manifest.overrides = [{ value: 1 }]),
        error: `${manifestPath}: $.overrides[0].path: missing required setting; expected a string`,
      },
      {
        breakIt: () => editManifest(out, (manifest) => experiment(manifest).snapshot = "../x.json"),
        error: `${manifestPath}: $.experiments[0].snapshot: expected study/<name>.json, ` +
          'found "../x.json"',
      },
      {
        breakIt: () => Deno.remove(copy),
        error: `${manifestPath}: $.experiments[0].snapshot: ${copy} does not exist`,
      },
      {
        breakIt: () => Deno.writeTextFile(copy, copyText.replace('"seeds"', '"seeds" ')),
        error: `${manifestPath}: $.experiments[0].sha256: ${copy} is not the file recorded ` +
          "(its SHA-256 differs); the folder was edited",
      },
      {
        // A copy as recorded (its hash matches) that this version of the harness rejects.
        breakIt: async () => {
          const text = copyText.replace('"name"', '"retired": 1, "name"');
          await Deno.writeTextFile(copy, text);
          await editManifest(out, (manifest) => experiment(manifest).sha256 = sha256Hex(text));
        },
        error: `${copy}: $.retired: unknown key "retired"; allowed: `,
        also: `(in the study's recorded copy of ${file}, which this version of the harness no ` +
          "longer accepts; ",
      },
      {
        // A manifest from before the copies were kept, whose file has changed since.
        breakIt: async () => {
          await editManifest(out, (manifest) => delete experiment(manifest).snapshot);
          await Deno.writeTextFile(file, JSON.stringify(tinyExperiment()));
        },
        error: `${manifestPath}: $.experiments[0].file: ${file} changed since the study was ` +
          "recorded (its SHA-256 differs) and the folder keeps no copy of it; ",
      },
    ];
    const fileText = await Deno.readTextFile(file);
    for (const { breakIt, error, also } of cases) {
      await breakIt();
      const before = await readTree(out);
      for (
        const args of [["report", "--out", out], ["verify", "--out", out], [
          "reproduce",
          "--dry-run",
          "--out",
          out,
        ]]
      ) {
        const outcome = await runCli(args);
        assert.equal(outcome.code, 2, `${args.join(" ")}: ${outcome.stdout}${outcome.stderr}`);
        assert.ok(
          outcome.stderr.startsWith(`error: ${error}`),
          `${args[0]}: expected "${error}", got ${outcome.stderr}`,
        );
        if (also !== undefined) assert.ok(outcome.stderr.includes(also), outcome.stderr);
        assert.equal(outcome.stderr.trimEnd().split("\n").length, 1, outcome.stderr);
        assert.equal(outcome.stdout, "");
        assert.deepEqual(await readTree(out), before, `${args.join(" ")} wrote`);
      }
      await Deno.writeTextFile(manifestPath, pristine);
      await Deno.writeTextFile(copy, copyText);
      await Deno.writeTextFile(file, fileText);
    }
    // An old manifest whose files are unchanged still works, from the files themselves.
    await editManifest(out, (manifest) => delete experiment(manifest).snapshot);
    const old = await runCli(["report", "--out", out]);
    assert.equal(old.code, 0, old.stderr);
    assert.match(old.stdout, /^using the study recorded in /);
    assert.match(old.stdout, /\nwrote \d+ files to /);
    // ... and the report records the study again with its copy.
    assert.equal(
      await Deno.readTextFile(manifestPath).then(JSON.parse).then(experiment).then(
        (entry) => entry.snapshot,
      ),
      "study/tiny.json",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
