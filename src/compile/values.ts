/** Reading loosely parsed values; rules report what these return as undefined. */
import type { Value } from "../syntax/ast.js";

export function numberOf(v: Value | null | undefined): number | undefined {
  if (v?.type !== "number") return undefined;
  const n = Number(v.raw);
  return Number.isFinite(n) ? n : undefined;
}

export function integerOf(v: Value | null | undefined): number | undefined {
  const n = numberOf(v);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

/** Digits after the decimal point, to do scale arithmetic in whole units of the step. */
export function decimals(n: number): number {
  const s = String(n);
  if (s.includes("e-")) return Number(s.split("e-")[1]);
  const dot = s.indexOf(".");
  return dot === -1 ? 0 : s.length - dot - 1;
}

/** True when `x` is `min` plus a whole number of `step`s (exactly, for decimal steps). */
export function onStep(x: number, min: number, step: number): boolean {
  const d = Math.max(decimals(x), decimals(min), decimals(step));
  const f = 10 ** d;
  const units = Math.round((x - min) * f);
  const stepUnits = Math.round(step * f);
  return stepUnits > 0 && units % stepUnits === 0;
}
