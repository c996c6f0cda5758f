/**
 * Copies the standard study's README fragment into README.md, between its
 * generated-summary markers, after `deno task report --profile standard`
 * has regenerated `results/standard/README_SUMMARY.md`:
 * `deno task readme-summary`. The test `tests/report/readme_summary_test.ts`
 * fails while the two differ, and says which lines.
 *
 * @module
 */

import { embedSummary, README_BEGIN, README_END, README_SUMMARY_FILE } from "./readme_summary.ts";

/** README.md, relative to this file. */
export const README_URL = new URL("../../README.md", import.meta.url);

/** The standard study's fragment, relative to this file. */
export const STANDARD_SUMMARY_URL = new URL(
  `../../results/standard/${README_SUMMARY_FILE}`,
  import.meta.url,
);

if (import.meta.main) {
  const readme = await Deno.readTextFile(README_URL);
  const updated = embedSummary(readme, await Deno.readTextFile(STANDARD_SUMMARY_URL));
  if (updated === undefined) {
    console.error(
      `README.md: no lines "${README_BEGIN}" and "${README_END}" to put the summary between`,
    );
    Deno.exit(2);
  }
  await Deno.writeTextFile(README_URL, updated);
  console.log(`copied ${STANDARD_SUMMARY_URL.pathname} into ${README_URL.pathname}`);
}
