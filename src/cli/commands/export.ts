import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadBundle } from "../../api/bundles.js";
import { EXPORT_TARGETS, type ExportTarget, exportBundle } from "../../api/export.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers export --to promptfoo|inspect <bundle.json | id@version> [--out DIR] [--lock FILE] [--model M]

Writes files that run the bundle's judge prompt, answer schema and decoding settings in another
tool: a promptfoo config with a prompt function (--to promptfoo), or an Inspect scorer
(--to inspect). Only rulers verifies evidence, applies gates and checks, and scores; what does
not carry over is printed and written into the files. DIR defaults to export/<id>-<version>/.
  --lock FILE  refuse a bundle the lock does not pin
  --model M    the judge model named in the promptfoo config (default gpt-4o-mini)`;

export const command: Command = {
  summary: "write a promptfoo config or an Inspect scorer that asks what the bundle asks",
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      { to: { type: "string" }, out: { type: "string" }, lock: { type: "string" }, model: { type: "string" } },
      HELP,
    );
    if (positionals.length !== 1) throw new CliError(`give exactly one bundle to export\n${HELP}`);
    if (!values.to || !EXPORT_TARGETS.includes(values.to as ExportTarget))
      throw new CliError(`\`--to\` must be ${EXPORT_TARGETS.join(" or ")}\n${HELP}`);
    const bundle = loadBundle(positionals[0]!, values.lock !== undefined ? { lock: values.lock } : {});
    const ir = bundle.body.rubric;
    const out = values.out ?? join("export", `${ir.id}-${ir.version}`);
    const exported = exportBundle(bundle, values.to as ExportTarget, values.model ? { model: values.model } : {});
    mkdirSync(out, { recursive: true });
    for (const f of exported.files) {
      const path = join(out, f.name);
      writeFileAtomic(path, f.text);
      writeOut(`wrote ${path}`);
    }
    writeErr(`not carried over to ${values.to}:`);
    for (const m of exported.notCarried) writeErr(`  - ${m}`);
    return 0;
  },
};
