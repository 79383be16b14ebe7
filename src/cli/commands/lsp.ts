import { createConnection } from "vscode-languageserver/node";
import { startServer } from "../../lsp/index.js";
import { CliError, parseFlags } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers lsp [--stdio] [--debounce MS]

Runs the rubric language server on stdin/stdout (the Language Server Protocol): diagnostics as
you type, hover, completion, go to definition, references, formatting, outline, quick fixes and
semantic tokens. Editors start it; see editors/vscode for the VS Code extension.
  --stdio         accepted for editors that pass it; stdio is the only transport
  --debounce MS   wait this long after an edit before checking (default 20)`;

export const command: Command = {
  summary: "the rubric language server for editors (LSP over stdio)",
  async run(argv) {
    const { values } = parseFlags(argv, { stdio: { type: "boolean" }, debounce: { type: "string" } }, HELP);
    const debounce = values.debounce === undefined ? undefined : Number(values.debounce);
    if (debounce !== undefined && !(Number.isFinite(debounce) && debounce >= 0))
      throw new CliError(`\`--debounce\` must be a number of milliseconds, not \`${values.debounce}\``);
    const connection = createConnection(process.stdin, process.stdout);
    startServer(connection, debounce === undefined ? {} : { debounceMs: debounce });
    // The server runs until the client sends `exit` (the library then ends the process) or goes
    // away: a closed stdin means no client is left, and an orphaned server must not linger.
    // Without a `shutdown` first, the protocol's exit code is 1.
    await new Promise<void>((resolve) => process.stdin.once("end", resolve));
    process.exit(1);
    return 0;
  },
};
