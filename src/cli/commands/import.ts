import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { IMPORT_FORMATS, ImportError, type ImportFormat, type ImportResult, importRubrics } from "../../api/import.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { errnoOf } from "../../util/errors.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers import --from healthbench|prometheus|judge-prompt|promptfoo <file> [--out DIR] [--id-prefix P]

Writes .rubric sources (and, for per-item formats, a rows file beside them) into DIR (default
imported/). Whatever the rubric language cannot express is reported as a warning naming the row
or place in the input; a bad row is reported and skipped, the others still import.`;

export const command: Command = {
  summary: "turn rubrics in other formats into .rubric sources",
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      { from: { type: "string" }, out: { type: "string" }, "id-prefix": { type: "string" } },
      HELP,
    );
    const format = values.from as ImportFormat | undefined;
    if (!format || !IMPORT_FORMATS.includes(format))
      throw new CliError(`\`--from\` must be one of ${IMPORT_FORMATS.join(", ")}\n${HELP}`);
    if (positionals.length !== 1) throw new CliError(`give exactly one input file\n${HELP}`);
    const file = positionals[0]!;
    let input: string;
    try {
      input = readFileSync(file, "utf8");
    } catch (err) {
      throw new CliError(`cannot read \`${file}\` (${errnoOf(err) ?? (err as Error).message})`);
    }
    let result: ImportResult;
    try {
      result = importRubrics(format, input, {
        ...(values["id-prefix"] ? { prefix: values["id-prefix"] } : {}),
        name: basename(file).replace(/\.[^.]+$/, ""),
      });
    } catch (err) {
      if (err instanceof ImportError) throw new CliError(`${file}: ${err.message}`);
      throw err;
    }
    const outDir = values.out ?? "imported";
    for (const w of result.warnings) writeErr(`${file}: ${w.where}: warning: ${w.message}`);
    for (const e of result.errors) writeErr(`${file}: ${e.where}: error: ${e.message}; skipped`);
    for (const r of result.rubrics) {
      const path = join(outDir, r.name);
      writeFileAtomic(path, r.source);
      writeOut(`wrote ${path}`);
      if (r.rows) {
        const rowsPath = path.replace(/\.rubric$/, ".jsonl");
        writeFileAtomic(rowsPath, `${r.rows.join("\n")}\n`);
        writeOut(`wrote ${rowsPath} (${r.rows.length} rows)`);
      }
    }
    return result.rubrics.length === 0 || result.errors.length > 0 ? 1 : 0;
  },
};
