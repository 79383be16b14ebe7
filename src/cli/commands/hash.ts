import { compile } from "../../api/compile.js";
import { hasErrors } from "../../diagnostics/index.js";
import { printDiagnostics } from "../diagnostics.js";
import { CliError, parseFlags, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers hash <files…> [--import-root DIR]

Prints the hash of each source: for a part, the hash to pin it by in \`import "…" sha256:…\`;
for a rubric, the hash its bundle will have. --import-root as for \`rulers compile\`.`;

export const command: Command = {
  summary: "print the hash a part is pinned by, or a rubric's bundle hash",
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { "import-root": { type: "string" } }, HELP);
    const importRoot = values["import-root"];
    if (positionals.length === 0) throw new CliError(`no source files given\n${HELP}`);
    let status = 0;
    for (const file of positionals) {
      const r = compile({ file }, importRoot !== undefined ? { importRoot } : {});
      printDiagnostics(r.diagnostics, r.sources);
      if (hasErrors(r.diagnostics)) {
        status = 1;
        continue;
      }
      writeOut(`${r.partHash ?? r.bundle!.hash}  ${file}`);
    }
    return status;
  },
};
