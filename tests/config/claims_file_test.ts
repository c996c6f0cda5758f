/**
 * Claims files: the paper's parses to its five claims (C5 dropped with its
 * reason), and every kind of mistake is one ConfigError naming the file and
 * the JSON path of the field, as experiment files' are.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../src/config/errors.ts";
import {
  isClaimsFileName,
  loadClaimsFile,
  PAPER_CLAIMS_FILE,
  parseClaimsText,
} from "../../src/config/parse_claims.ts";
import type { ActiveClaim } from "../../src/config/claims_schema.ts";
import { REPO_ROOT } from "../runner/fixtures.ts";

Deno.test("the paper's claims file: C1-C5 tested, C5 on epochs to the target sparsity", async () => {
  const file = await loadClaimsFile(join(REPO_ROOT, PAPER_CLAIMS_FILE));
  assert.deepEqual(file.claims.map((claim) => [claim.id, claim.status]), [
    ["C1", "active"],
    ["C2", "active"],
    ["C3", "active"],
    ["C4", "active"],
    ["C5", "active"],
  ]);
  const c4 = file.claims[3] as ActiveClaim;
  assert.equal(c4.kind, "equivalence");
  assert.deepEqual(c4.twinsDifferingIn, ["retrain"]);
  assert.equal(c4.first.retrain, true);
  assert.equal(c4.second[0].retrain, false);
  // Selector defaults: the plain method, not retrained, no sanity check.
  const c2 = file.claims[1] as ActiveClaim;
  assert.deepEqual(c2.second.map((selector) => [selector.method, selector.retrain]), [
    ["random", false],
    ["kstarts", false],
  ]);
  assert.equal(c2.second[0].sanityCheck, "none");
  assert.deepEqual(c2.margins.testAccuracy, {
    kind: "absolute",
    value: 0.005,
    basis: c2.margins.testAccuracy.basis,
  });
  assert.equal(c2.margins.reconstructionError.kind, "fractionOfConstantImageError");
  const c5 = file.claims[4] as ActiveClaim;
  assert.deepEqual([c5.quantity, c5.direction, c5.marginName], [
    "epochsToTargetSparsity",
    "more",
    "epochs",
  ]);
  assert.equal(c5.margins.epochsToTargetSparsity.value, 0.5);
  assert.equal(c2.quantity, "primaryMetric");
  assert.equal(c2.direction, undefined);
  assert.deepEqual(file.sensitivityExperiments, [
    "sensitivity-mlp",
    "sensitivity-lr-mlp",
    "sensitivity-epochs-mlp",
  ]);
  assert.equal(file.alpha, 0.05);
  assert.ok(isClaimsFileName("claims.json") && isClaimsFileName("snip.claims.json"));
  assert.ok(!isClaimsFileName("mlp.json"));
});

/** A valid file with one active claim, as an object to break. */
function valid(): Record<string, unknown> {
  return {
    name: "t",
    margins: { m: { testAccuracy: { absolute: 0.005, basis: "b" } } },
    claims: [{
      id: "R1",
      statement: "s",
      kind: "superiority",
      first: { method: "snip" },
      second: [{ method: "random" }],
      margin: "m",
    }],
  };
}

/** The message of parsing `document` as file `f.json`. */
function errorOf(document: unknown): string {
  try {
    parseClaimsText(JSON.stringify(document), "f.json");
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.exitCode, 2);
    return error.message;
  }
  assert.fail("the file was accepted");
}

Deno.test("claims file errors name the file and the JSON path of the field", () => {
  assert.doesNotThrow(() => parseClaimsText(JSON.stringify(valid()), "f.json"));
  const cases: [(document: Record<string, unknown>) => void, RegExp][] = [
    [
      (d) => ((d.claims as Record<string, unknown>[])[0].first = { method: "snipp" }),
      /^f\.json: \$\.claims\[0\]\.first\.method: expected one of .*found "snipp".*did you mean "snip"/,
    ],
    [
      (d) => ((d.claims as Record<string, unknown>[])[0].kind = "better"),
      /^f\.json: \$\.claims\[0\]\.kind: expected one of "superiority", "equivalence"/,
    ],
    [
      (d) => ((d.claims as Record<string, unknown>[])[0].scop = {}),
      /^f\.json: \$\.claims\[0\]\.scop: unknown key "scop".*did you mean "scope"/,
    ],
    [
      (d) => ((d.claims as Record<string, unknown>[])[0].margin = "n"),
      /^f\.json: \$\.claims\[0\]\.margin: no margin rule "n" in \$\.margins; declared: m/,
    ],
    [
      (d) => delete (d.claims as Record<string, unknown>[])[0].second,
      /^f\.json: \$\.claims\[0\]\.second: missing required setting/,
    ],
    [
      (d) => ((d.claims as Record<string, unknown>[])[0].status = "dropped"),
      /^f\.json: \$\.claims\[0\]\.reason: missing required setting; a dropped claim says why/,
    ],
    [
      (d) => (d.claims as unknown[]).push((d.claims as unknown[])[0]),
      /^f\.json: \$\.claims\[1\]\.id: "R1" is already the id of claim 0/,
    ],
    [
      (
        d,
      ) => ((d.margins as Record<string, Record<string, unknown>>).m.testAccuracy = {
        absolute: 0.005,
        fractionOfConstantImageError: 0.01,
        basis: "b",
      }),
      /^f\.json: \$\.margins\.m\.testAccuracy: expected exactly one of/,
    ],
    [
      (
        d,
      ) => ((d.margins as Record<string, Record<string, unknown>>).m.testAccuracy = {
        absolute: 0,
        basis: "b",
      }),
      /^f\.json: \$\.margins\.m\.testAccuracy\.absolute: expected a number > 0, found 0/,
    ],
    [
      (
        d,
      ) => ((d.margins as Record<string, Record<string, unknown>>).m.testAccuracy = {
        absolute: 0.005,
      }),
      /^f\.json: \$\.margins\.m\.testAccuracy\.basis: missing required setting/,
    ],
    [
      (
        d,
      ) => ((d.claims as Record<string, unknown>[])[0].scope = {
        minSparsity: 0.9,
        maxSparsity: 0.5,
      }),
      /^f\.json: \$\.claims\[0\]\.scope\.minSparsity: expected at most maxSparsity 0\.5/,
    ],
    [
      (d) => ((d.claims as Record<string, unknown>[])[0].direction = "more"),
      /^f\.json: \$\.claims\[0\]\.direction: only a claim about a quantity other than the primary metric has a direction/,
    ],
    [
      (d) => ((d.claims as Record<string, unknown>[])[0].quantity = "epochsToTargetSparsity"),
      /^f\.json: \$\.claims\[0\]\.direction: missing required setting; a claim about epochsToTargetSparsity says whether the first side has "more" or "fewer"/,
    ],
    [
      (d) =>
        Object.assign((d.claims as Record<string, unknown>[])[0], {
          quantity: "epochsToTargetSparsity",
          direction: "more",
        }),
      /^f\.json: \$\.claims\[0\]\.margin: margin rule "m" has no "epochsToTargetSparsity" entry/,
    ],
    [
      (d) => ((d.claims as Record<string, unknown>[])[0].quantity = "epochs"),
      /^f\.json: \$\.claims\[0\]\.quantity: expected one of "primaryMetric", "epochsToTargetSparsity", found "epochs"/,
    ],
    [
      (d) => ((d.claims as Record<string, unknown>[])[0].direction = "longer"),
      /^f\.json: \$\.claims\[0\]\.direction: expected one of "more", "fewer"/,
    ],
    [
      (
        d,
      ) => ((d.margins as Record<string, Record<string, unknown>>).m.epochsToTargetSparsity = {
        fractionOfConstantImageError: 0.01,
        basis: "b",
      }),
      /^f\.json: \$\.margins\.m\.epochsToTargetSparsity\.fractionOfConstantImageError: epochs have no constant-image error/,
    ],
    [
      (d) => (d.sensitivity = { experiments: ["a", "b", "a"] }),
      /^f\.json: \$\.sensitivity\.experiments\[2\]: "a" is already listed at index 0/,
    ],
    [
      (d) => (d.sensitivity = { experiments: [] }),
      /^f\.json: \$\.sensitivity\.experiments: /,
    ],
    [
      (d) => (d.sensitivity = { experiments: ["a"], experiment: ["a"] }),
      /^f\.json: \$\.sensitivity\.experiment: unknown key "experiment"/,
    ],
    [
      (d) =>
        Object.assign((d.claims as Record<string, unknown>[])[0], {
          status: "dropped",
          reason: "r",
          kind: undefined,
          first: undefined,
          second: undefined,
          margin: undefined,
          direction: "more",
        }),
      /^f\.json: \$\.claims\[0\]\.direction: a dropped claim is not tested, so it has no quantity or direction/,
    ],
  ];
  for (const [breakIt, expected] of cases) {
    const document = valid();
    breakIt(document);
    assert.match(errorOf(document), expected);
  }
  assert.throws(
    () => parseClaimsText("{", "f.json"),
    (error: unknown) =>
      error instanceof ConfigError && /^f\.json: invalid JSON at line 1/.test(error.message),
  );
});

Deno.test("a claims file that does not exist is named, exit code 2", async () => {
  await assert.rejects(
    () => loadClaimsFile("no/such/claims.json"),
    (error: unknown) =>
      error instanceof ConfigError && error.exitCode === 2 &&
      /^no\/such\/claims\.json: cannot read the claims file: it does not exist$/.test(
        error.message,
      ),
  );
});
