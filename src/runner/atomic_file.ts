/**
 * Writing a file so that a reader (or a later run after a crash) sees either
 * the old content or the new, never a partial file: write a sibling
 * temporary file, flush it to disk, then rename it over the target.
 *
 * @module
 */
import { dirname, join } from "node:path";

/** Writes `text` to `path` atomically, creating parent directories. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const suffix = crypto.randomUUID().slice(0, 8);
  const temporary = join(dirname(path), `.${path.split("/").at(-1)}.${suffix}.tmp`);
  try {
    const file = await Deno.open(temporary, { write: true, createNew: true });
    try {
      const bytes = new TextEncoder().encode(text);
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}
