import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { format } from "../../api/format.js";
import { errnoOf } from "../../util/errors.js";
import { printDiagnostics } from "../diagnostics.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers fmt <files…> [--check]

Rewrites each .rubric source in the canonical layout (comments kept). Formatting never changes
meaning, so it never changes a bundle hash.
  --check   write nothing; exit 1 and list the files that are not formatted`;

export const command: Command = {
  summary: "format .rubric sources canonically",
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { check: { type: "boolean" } }, HELP);
    if (positionals.length === 0) throw new CliError(`no source files given\n${HELP}`);
    let status = 0;
    for (const file of positionals) {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (err) {
        writeErr(`${file}: cannot read (${errnoOf(err) ?? (err as Error).message})`);
        status = 1;
        continue;
      }
      const { text: formatted, diagnostics } = format(text, file);
      if (formatted === null) {
        // Never rewrite a file we could not fully parse: recovery may have dropped text.
        printDiagnostics(diagnostics, new Map([[file, text]]));
        writeErr(`${file}: not formatted (syntax errors)`);
        status = 1;
        continue;
      }
      if (formatted === text) continue;
      if (values.check) {
        writeOut(`${file}: not formatted`);
        status = 1;
      } else {
        const tmp = `${file}.rulers-fmt.tmp`;
        writeFileSync(tmp, formatted);
        renameSync(tmp, file);
        writeOut(`${file}: formatted`);
      }
    }
    return status;
  },
};
