import { compile, writeBundle } from "../../api/compile.js";
import { diagnosticToJson, hasErrors } from "../../diagnostics/index.js";
import { printDiagnostics, summary } from "../diagnostics.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers compile <files…> [--out DIR] [--items rows.jsonl] [--json] [--check]

Compiles each .rubric source into DIR/<id>/<version>/bundle.json (DIR defaults to bundles/).
  --items FILE  for a per-item rubric: compile each row's criteria into the bundle
  --json        print [{"id","version","hash","path"}] (and diagnostics) as JSON
  --check       check only; write nothing
  --import-root DIR  let imports resolve anywhere inside DIR (default: the rubric's project
                folder, the nearest one above it holding rulers.lock, package.json or .git)`;

export const command: Command = {
  summary: "compile .rubric sources into locked, content-hashed bundles",
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        out: { type: "string" },
        items: { type: "string" },
        json: { type: "boolean" },
        check: { type: "boolean" },
        "import-root": { type: "string" },
      },
      HELP,
    );
    if (positionals.length === 0) throw new CliError(`no source files given\n${HELP}`);
    if (values.items && positionals.length !== 1)
      throw new CliError("`--items` compiles the rows of one per-item rubric; give exactly one source");
    const outDir = values.out ?? "bundles";
    const results: Record<string, unknown>[] = [];
    const allDiagnostics: Record<string, unknown>[] = [];
    let failed = false;
    for (const file of positionals) {
      const importRoot = values["import-root"];
      const r = compile(
        { file },
        {
          ...(values.items ? { items: values.items } : {}),
          ...(importRoot !== undefined ? { importRoot } : {}),
        },
      );
      const diagnostics = r.diagnostics;
      if (values.json)
        allDiagnostics.push(
          ...diagnostics.map((d) => diagnosticToJson(d, d.file !== undefined ? r.sources.get(d.file) : undefined)),
        );
      else printDiagnostics(diagnostics, r.sources);
      if (hasErrors(diagnostics) || (!r.bundle && r.partHash === null)) {
        failed = true;
        if (!values.json) writeErr(`${file}: not compiled (${summary(diagnostics)})`);
        continue;
      }
      if (!r.bundle || !r.ir) {
        // A part compiles to nothing on its own; its hash is what rubrics pin.
        results.push({ file, part: true, hash: r.partHash });
        if (!values.json) writeOut(`${file}: part ${r.partHash}`);
        continue;
      }
      const bundle = r.bundle;
      const path = values.check ? null : writeBundle(outDir, bundle);
      results.push({ id: r.ir.id, version: r.ir.version, hash: bundle.hash, path });
      if (!values.json) writeOut(`${r.ir.id}@${r.ir.version} ${bundle.hash}${path ? ` → ${path}` : ""}`);
    }
    if (values.json) {
      writeOut(JSON.stringify(allDiagnostics.length ? { bundles: results, diagnostics: allDiagnostics } : results));
    }
    return failed ? 1 : 0;
  },
};
