/**
 * Putting a number on the rubric's scale exactly. Values are turned into whole units of the step
 * over integers scaled by 10^decimals, so `0..1 step 0.1` never yields 0.30000000000000004 and a
 * value that is meant to sit on a rounding boundary (3.25 on a 0.5 step) is treated as on it.
 */
import type { Rounding, Scale } from "../compile/ir.js";

/** Float noise below this many units of the step is treated as exact. */
const SNAP = 1e-9;

/** Decimal places of a number as written (1.5e-7 has 8). */
export function decimals(n: number): number {
  const [mantissa = "", exp] = String(Math.abs(n)).split("e");
  const dot = mantissa.indexOf(".");
  const places = dot === -1 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, places - Number(exp ?? 0));
}

/**
 * Round a non-negative count of units to a whole number; `none` returns it unchanged. `offset` is
 * the number of steps from 0 to the scale's minimum, so `half_even` picks the value that is an even
 * multiple of the step (2.5 on a 1..5 scale becomes 2, as banker's rounding of the value would).
 */
export function roundWith(x: number, rounding: Rounding, offset = 0): number {
  if (rounding === "none") return x;
  const near = Math.round(x);
  if (Math.abs(x - near) < SNAP) return near;
  const floor = Math.floor(x);
  const half = Math.abs(x - floor - 0.5) < SNAP;
  switch (rounding) {
    case "down":
      return floor;
    case "up":
      return floor + 1;
    case "half_up":
      return half ? floor + 1 : near;
    case "half_even":
      return half ? ((floor + offset) % 2 === 0 ? floor : floor + 1) : near;
  }
}

interface Grid {
  readonly factor: number;
  readonly min: number;
  readonly step: number;
  /** Units of the step from min to max. */
  readonly units: number;
  /** Steps from 0 to min when min is a multiple of the step, else 0 (parity for `half_even`). */
  readonly offset: number;
}

function grid(scale: Scale): Grid {
  const { min, max, step } = scale.kind === "pass_fail" ? { min: 0, max: 1, step: 1 } : scale;
  const factor = 10 ** Math.min(15, Math.max(decimals(min), decimals(max), decimals(step)));
  const lo = Math.round(min * factor);
  const unit = Math.round(step * factor);
  return {
    factor,
    min: lo,
    step: unit,
    units: Math.round((Math.round(max * factor) - lo) / unit),
    offset: lo % unit === 0 ? Math.abs(lo / unit) : 0,
  };
}

function onGrid(g: Grid, units: number): number {
  return (g.min + units * g.step) / g.factor;
}

/** Strip float noise from an unrounded value (`rounding none`). */
function clean(x: number): number {
  return Number(x.toPrecision(15));
}

/** Snap a value to the scale: clamped, then rounded in whole steps; `none` only clamps. */
export function toScale(value: number, scale: Scale, rounding: Rounding): number {
  const g = grid(scale);
  const lo = onGrid(g, 0);
  const hi = onGrid(g, g.units);
  const clamped = Math.min(hi, Math.max(lo, value));
  if (rounding === "none") return clean(clamped);
  const units = Math.min(g.units, roundWith((clamped * g.factor - g.min) / g.step, rounding, g.offset));
  return onGrid(g, units);
}

/**
 * Map x in [0, 1] onto the scale: min + x·(max − min), rounded in steps. On a pass-or-fail scale x
 * itself is rounded (half up: pass from 0.5; `none` counts as half up, a verdict must be 0 or 1).
 */
export function fromUnit(x: number, scale: Scale, rounding: Rounding): number {
  const clipped = Math.min(1, Math.max(0, x));
  if (scale.kind === "pass_fail") return roundWith(clipped, rounding === "none" ? "half_up" : rounding) >= 1 ? 1 : 0;
  const g = grid(scale);
  if (rounding === "none") return clean(onGrid(g, clipped * g.units));
  return onGrid(g, Math.min(g.units, roundWith(clipped * g.units, rounding, g.offset)));
}

/** Scale values as a list (for agreement over the scale's own categories). */
export function scaleSteps(scale: Scale): number[] {
  const g = grid(scale);
  return Array.from({ length: g.units + 1 }, (_, i) => onGrid(g, i));
}
