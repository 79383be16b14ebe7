/**
 * Counterfactual probe pairs from a rows file, as `rulers probes` writes them: two versions of
 * each row's answer that differ in one controlled attribute (docs/drift.md), tagged with
 * `probe_attribute` and `probe_side`. The same rows always give byte-identical probes.
 */
import { existsSync } from "node:fs";
import { buildProbes, PROBE_KINDS, type ProbeKind } from "../drift/index.js";
import { writeFileAtomic } from "../util/atomic.js";
import { RulersError } from "../util/errors.js";
import { readJsonl, rowId } from "../util/jsonl.js";

export { PROBE_KINDS, type ProbeKind };

export interface ProbeOptions {
  /** Which attributes (default all of PROBE_KINDS). */
  readonly kinds?: readonly ProbeKind[];
  /** The field holding the answer (pointwise rows). */
  readonly field?: string;
  /** The two response fields of pairwise rows. */
  readonly compare?: readonly [string, string];
  /** Unusable rows and rows without some kind of probe; default: stderr. */
  readonly onWarning?: (message: string) => void;
}

export interface ProbesWritten {
  readonly probes: number;
  /** Probes per attribute, in the order first written. */
  readonly byAttribute: ReadonlyMap<string, number>;
  /** Rows that could not be read or probed (each named in a warning). */
  readonly unusable: number;
}

/** Build the probes of every row of `from` (JSONL) into `out`; refused when no probe can be built. */
export function writeProbes(from: string, out: string, opts: ProbeOptions = {}): ProbesWritten {
  const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`${m}\n`));
  if (!existsSync(from)) throw new RulersError(`cannot read rows \`${from}\`: no such file`, { code: "usage" });
  const { rows, problems } = readJsonl(from);
  const result = buildProbes(
    rows.map((r) => ({ id: rowId(r.value, r.line), where: `${from}:${r.line}`, value: r.value })),
    {
      kinds: [...new Set(opts.kinds ?? PROBE_KINDS)],
      ...(opts.field ? { field: opts.field } : {}),
      ...(opts.compare ? { compare: [opts.compare[0], opts.compare[1]] } : {}),
    },
  );
  for (const p of problems) warn(`${from}:${p.line}: error: ${p.message}; skipped`);
  for (const e of result.errors) warn(`${e}; skipped`);
  for (const s of result.skipped) warn(`note: ${s}`);
  if (result.probes.length === 0) throw new RulersError("no probe could be built; nothing written", { code: "data" });
  writeFileAtomic(out, `${result.probes.map((p) => JSON.stringify(p)).join("\n")}\n`);
  const byAttribute = new Map<string, number>();
  for (const p of result.probes) byAttribute.set(p.probe_attribute, (byAttribute.get(p.probe_attribute) ?? 0) + 1);
  return { probes: result.probes.length, byAttribute, unusable: problems.length + result.errors.length };
}
