import { PROBE_KINDS, type ProbeKind, writeProbes } from "../../api/probes.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers probes --from rows.jsonl --out probes.jsonl [--kinds K,…] [--field F] [--compare A,B]

Builds counterfactual probe pairs: two versions of each row's answer that differ in one
controlled attribute, by fixed, documented transforms (docs/drift.md), each pair tagged with
\`probe_attribute\` and \`probe_side\` (the side, A or B, that carries it; it alternates from
row to row). Judge them with \`rulers audit\` (one rubric's bias card) or \`rulers drift\` (how
an edit moves each attribute). The same rows always give byte-identical probes.

kinds (default all):
  length     the full answer vs its first half
  verbosity  the answer vs the same answer with a content-free preamble and closing
  refusal    the answer vs the same answer behind a refusal / safety-deflection prefix
  hedging    the answer vs the same answer with a hedge and a caveat
  format     the answer as plain prose vs the same sentences as a markdown list
  position   one pair in both orders (the row's two responses, else full vs truncated)
options:
  --field F        the field holding the answer (default: response, else response_a)
  --compare A,B    the fields the probe pair is written to (default response_a,response_b)

Exit 0 when every row gave its probes; 1 when a row was unusable (named by its line; the
other rows are still written).`;

export const command: Command = {
  summary: "build counterfactual probe pairs (length, refusal, hedging, format, position, …)",
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        from: { type: "string" },
        out: { type: "string" },
        kinds: { type: "string" },
        field: { type: "string" },
        compare: { type: "string" },
      },
      HELP,
    );
    if (positionals.length) throw new CliError(`unexpected \`${positionals[0]}\`\n${HELP}`);
    if (!values.from || !values.out) throw new CliError(`give --from rows.jsonl and --out probes.jsonl\n${HELP}`);
    const kinds = (values.kinds ?? PROBE_KINDS.join(","))
      .split(",")
      .map((k) => k.trim())
      .filter(Boolean);
    const bad = kinds.filter((k) => !(PROBE_KINDS as readonly string[]).includes(k));
    if (bad.length || kinds.length === 0)
      throw new CliError(
        `\`--kinds\`: ${bad.length ? `unknown kind ${bad.map((b) => `\`${b}\``).join(", ")}` : "none given"}; use ${PROBE_KINDS.join(", ")}`,
      );
    let compare: [string, string] | undefined;
    if (values.compare !== undefined) {
      const parts = values.compare.split(",").map((s) => s.trim());
      if (parts.length !== 2 || !parts[0] || !parts[1] || parts[0] === parts[1])
        throw new CliError("`--compare` names two different fields, e.g. response_a,response_b");
      compare = [parts[0], parts[1]];
    }
    const { probes, byAttribute, unusable } = writeProbes(values.from, values.out, {
      kinds: kinds as ProbeKind[],
      ...(values.field ? { field: values.field } : {}),
      ...(compare ? { compare } : {}),
      onWarning: writeErr,
    });
    writeOut(`wrote ${values.out}: ${probes} probes (${[...byAttribute].map(([k, n]) => `${k} ${n}`).join(", ")})`);
    return unusable ? 1 : 0;
  },
};
