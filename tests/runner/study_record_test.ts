/**
 * A study folder's record (runner/study_record.ts): the copies in study/
 * and the manifest written from them read back as the same study, files
 * changed or gone since are told apart from unchanged ones, a tampered copy
 * is an error naming the manifest's field, and a later record removes the
 * copies the earlier one left.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256Hex } from "../../src/config/run_id.ts";
import {
  claimsSnapshotPaths,
  readRecordedStudy,
  writeStudyRecord,
} from "../../src/runner/study_record.ts";
import { readTree } from "../cli/cli.ts";

const PROVENANCE = { before: { tool: "test" }, after: { finishedAt: "then" } };

Deno.test("study record: claims files get copies named after them, numbered when two share a name", () => {
  assert.deepEqual(
    claimsSnapshotPaths(["experiments/paper/claims.json", "mine/claims.json", "a b.json", "x"]),
    [
      "study/claims/claims.json",
      "study/claims/claims-2.json",
      "study/claims/a-b.json",
      "study/claims/x.json",
    ],
  );
});

Deno.test("study record: experiment and claims files come back from their copies, changed and missing files are told apart", async () => {
  const root = await Deno.makeTempDir();
  try {
    const out = join(root, "out");
    const experiment = { file: join(root, "e.json"), text: '{"name":"e"}\n' };
    const paperClaims = { file: join(root, "paper", "claims.json"), text: '{"claims":[1]}' };
    const myClaims = { file: join(root, "mine", "claims.json"), text: '{"claims":[2]}' };
    for (const { file, text } of [experiment, paperClaims, myClaims]) {
      await Deno.mkdir(join(file, ".."), { recursive: true });
      await Deno.writeTextFile(file, text);
    }
    await writeStudyRecord(out, {
      profile: "quick",
      overrides: [{ path: "seeds", value: [1] }],
      experiments: [{ name: "e one", source: experiment, runs: 3 }],
      claims: [paperClaims, myClaims],
    }, PROVENANCE);
    assert.deepEqual([...(await readTree(out)).keys()], [
      "manifest.json",
      "study/claims/claims-2.json",
      "study/claims/claims.json",
      "study/e-one.json",
    ]);
    const manifest = JSON.parse(await Deno.readTextFile(join(out, "manifest.json")));
    assert.deepEqual(Object.keys(manifest), [
      "tool",
      "profile",
      "overrides",
      "experiments",
      "claims",
      "finishedAt",
    ]);
    assert.deepEqual(manifest.claims[1], {
      file: myClaims.file,
      sha256: sha256Hex(myClaims.text),
      snapshot: "study/claims/claims-2.json",
    });

    // The originals change and go: the study still reads its copies, and says which is which.
    await Deno.writeTextFile(paperClaims.file, '{"claims":[3]}');
    await Deno.remove(myClaims.file);
    const recorded = await readRecordedStudy(out);
    assert.ok(recorded);
    assert.equal(recorded.profile, "quick");
    assert.deepEqual(recorded.overrides, [{ path: "seeds", value: [1] }]);
    const copyOf = (source: { file: string; text: string }, copy: string) => ({
      ...source,
      recordedCopy: join(out, "study", ...copy.split("/")),
    });
    assert.deepEqual(recorded.experiments.map((file) => [file.source, file.current]), [
      [copyOf(experiment, "e-one.json"), "unchanged"],
    ]);
    assert.deepEqual(recorded.claims?.map((file) => [file.source, file.current, file.readFrom]), [
      [
        copyOf(paperClaims, "claims/claims.json"),
        "changed",
        join(out, "study", "claims", "claims.json"),
      ],
      [
        copyOf(myClaims, "claims/claims-2.json"),
        "missing",
        join(out, "study", "claims", "claims-2.json"),
      ],
    ]);

    // A tampered copy is bad input naming the manifest and the entry.
    await Deno.writeTextFile(join(out, "study", "claims", "claims-2.json"), "{}");
    await assert.rejects(
      () => readRecordedStudy(out),
      (error: Error & { exitCode?: number }) => {
        assert.equal(error.exitCode, 2);
        assert.match(
          error.message,
          /manifest\.json: \$\.claims\[1\]\.sha256: .*claims-2\.json is not/,
        );
        return true;
      },
    );

    // A later study without claims files: their copies go, and the manifest lists none.
    await writeStudyRecord(out, {
      profile: undefined,
      overrides: [],
      experiments: [{ name: "e", source: experiment, runs: 3 }],
    }, PROVENANCE);
    assert.deepEqual([...(await readTree(out)).keys()], ["manifest.json", "study/e.json"]);
    const later = await readRecordedStudy(out);
    assert.equal(later?.claims, undefined);
    assert.equal(later?.profile, undefined);
    assert.equal(await readRecordedStudy(join(root, "nowhere")), undefined);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
