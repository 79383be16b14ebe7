/** Putting a number on the rubric's scale exactly: arithmetic in whole units of the step. */
import type { Rounding, Scale } from "../compile/ir.js";

function decimals(n: number): number {
  const s = String(n);
  if (s.includes("e-")) return Number(s.split("e-")[1]);
  const dot = s.indexOf(".");
  return dot === -1 ? 0 : s.length - dot - 1;
}

export function roundWith(x: number, rounding: Rounding): number {
  switch (rounding) {
    case "down": return Math.floor(x + 1e-9);
    case "up": return Math.ceil(x - 1e-9);
    case "half_even": {
      const f = Math.floor(x);
      const d = x - f;
      if (Math.abs(d - 0.5) < 1e-9) return f % 2 === 0 ? f : f + 1;
      return Math.round(x);
    }
    case "half_up": return Math.floor(x + 0.5 + 1e-9);
    case "none": return x;
  }
}

/** Snap a value to the scale (clamped), rounding in steps. `none` keeps it, clamped. */
export function toScale(value: number, scale: Scale, rounding: Rounding): number {
  const { min, max, step } = scale.kind === "pass_fail" ? { min: 0, max: 1, step: 1 } : scale;
  const clamped = Math.min(max, Math.max(min, value));
  if (rounding === "none") return clamped;
  const d = Math.max(decimals(step), decimals(min));
  const units = roundWith((clamped - min) / step, rounding);
  return Number((min + units * step).toFixed(d));
}

/** Map x in [0, 1] onto the scale. */
export function fromUnit(x: number, scale: Scale, rounding: Rounding): number {
  if (scale.kind === "pass_fail") return roundWith(x, rounding === "none" ? "half_up" : rounding) >= 1 ? 1 : 0;
  return toScale(scale.min + x * (scale.max - scale.min), scale, rounding);
}

/** Scale values as a list (for agreement over the scale's own categories). */
export function scaleSteps(scale: Scale): number[] {
  if (scale.kind === "pass_fail") return [0, 1];
  const n = Math.round((scale.max - scale.min) / scale.step);
  const d = Math.max(decimals(scale.step), decimals(scale.min));
  return Array.from({ length: n + 1 }, (_, i) => Number((scale.min + i * scale.step).toFixed(d)));
}
