/**
 * What one side said about a flipped item, read from its run record: each criterion's verdict
 * or level, its rationale and the evidence it cited (with whether the quote was verified).
 */
import type { Rec } from "./records.js";

export interface CitedEvidence {
  readonly quote: string;
  readonly verified: boolean | null;
  readonly match?: string;
}

export interface CriterionVerdict {
  readonly id: string;
  readonly verdict: string | number | null;
  readonly rationale?: string;
  readonly status?: string;
  readonly evidence: CitedEvidence[];
}

export function verdictsOf(r: Rec): CriterionVerdict[] {
  const criteria = Array.isArray(r.criteria) ? (r.criteria as Record<string, unknown>[]) : [];
  return criteria
    .filter((c) => c && typeof c === "object")
    .map((c) => {
      const v = c.verdict ?? c.level ?? null;
      const evidence = Array.isArray(c.evidence) ? (c.evidence as Record<string, unknown>[]) : [];
      return {
        id: String(c.id ?? "?"),
        verdict: typeof v === "string" || typeof v === "number" ? v : null,
        ...(typeof c.rationale === "string" && c.rationale ? { rationale: c.rationale } : {}),
        ...(typeof c.status === "string" ? { status: c.status } : {}),
        evidence: evidence
          .filter((e) => e && typeof e.quote === "string")
          .map((e) => ({
            quote: e.quote as string,
            verified: typeof e.verified === "boolean" ? e.verified : null,
            ...(typeof e.match === "string" ? { match: e.match } : {}),
          })),
      };
    });
}
