import { mergeRuns } from "../../api/merge.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers merge <run-shard.jsonl…> --out run.jsonl [--input rows.jsonl]

Joins the outputs of \`rulers judge --shard I/N\` into one run in input order. Shards from
different bundles, judges or decoding settings are refused; duplicate items are reported (and
refused when their records differ); with --input, items no shard judged are reported as gaps.`;

export const command: Command = {
  summary: "join sharded runs into one",
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { out: { type: "string" }, input: { type: "string" } }, HELP);
    if (!values.out || positionals.length === 0) throw new CliError(`give shard files and --out\n${HELP}`);
    const { records, duplicates, gaps } = mergeRuns(positionals, {
      out: values.out,
      ...(values.input ? { input: values.input } : {}),
      onWarning: writeErr,
    });
    writeOut(
      `merged ${records} records from ${positionals.length} shards → ${values.out}${duplicates ? `; ${duplicates} duplicates` : ""}${gaps ? `; ${gaps} gaps` : ""}`,
    );
    return gaps ? 1 : 0;
  },
};
