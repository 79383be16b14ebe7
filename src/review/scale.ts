/** What a reviewer may answer: a numeric scale's values, or A / B / tie for pairwise runs. */
export type ReviewScale =
  | { readonly kind: "numeric"; readonly min: number; readonly max: number; readonly step: number }
  | { readonly kind: "pairwise" };

export const PAIRWISE_LABELS = ["A", "tie", "B"] as const;

const decimals = (x: number) => (String(x).split(".")[1] ?? "").length;

/** Every value of the scale, in order (the app's buttons and number keys). */
export function scaleValues(s: ReviewScale): (number | string)[] {
  if (s.kind === "pairwise") return [...PAIRWISE_LABELS];
  const d = decimals(s.step);
  const n = Math.round((s.max - s.min) / s.step) + 1;
  return Array.from({ length: n }, (_, i) => Number((s.min + i * s.step).toFixed(d)));
}

export function describeScale(s: ReviewScale): string {
  return s.kind === "pairwise" ? "A, B or tie" : `${s.min}..${s.max} step ${s.step}`;
}

/** The label as stored, or why it is not on the scale. */
export function checkLabel(
  s: ReviewScale,
  label: unknown,
): { ok: true; value: number | string } | { ok: false; message: string } {
  if (s.kind === "pairwise") {
    if (label === "A" || label === "B" || label === "tie") return { ok: true, value: label };
    return { ok: false, message: `label ${JSON.stringify(label)} is not A, B or tie` };
  }
  const v = typeof label === "string" && label.trim() !== "" ? Number(label) : label;
  if (typeof v !== "number" || !Number.isFinite(v))
    return { ok: false, message: `label ${JSON.stringify(label)} is not a number` };
  const k = (v - s.min) / s.step;
  if (v < s.min - 1e-9 || v > s.max + 1e-9 || Math.abs(k - Math.round(k)) > 1e-6)
    return { ok: false, message: `label ${v} is outside the scale ${describeScale(s)}` };
  return { ok: true, value: Number((s.min + Math.round(k) * s.step).toFixed(decimals(s.step))) };
}
