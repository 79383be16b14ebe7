/** Deterministic checks, run locally on the row without the judge. */
import { Ajv, type ValidateFunction } from "ajv";
import type { CheckIR, CheckTest } from "../compile/ir.js";
import type { CheckResult } from "./types.js";

const ajv = new Ajv({ strict: false, allErrors: false });
const validators = new WeakMap<object, ValidateFunction>();

function text(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

function parseNumber(s: string): number | null {
  const m = /[-+]?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+]?\.\d+/.exec(s.replace(/\u2212/g, "-"));
  if (!m) return null;
  const n = Number(m[0].replace(/,/g, ""));
  return Number.isFinite(n) ? n : null;
}

function test(t: CheckTest, row: Readonly<Record<string, unknown>>): [boolean, string] {
  const raw = row[t.input];
  if (raw === undefined || raw === null) return [false, `input \`${t.input}\` is missing`];
  const value = text(raw);
  switch (t.kind) {
    case "regex": {
      let re: RegExp;
      try {
        re = new RegExp(t.pattern, t.flags.replace(/[gy]/g, ""));
      } catch (err) {
        return [false, `invalid pattern: ${(err as Error).message}`];
      }
      const found = re.test(value);
      return [found !== t.negate, found ? "pattern found" : "pattern not found"];
    }
    case "contains": {
      const found = t.ignore_case ? value.toLowerCase().includes(t.text.toLowerCase()) : value.includes(t.text);
      return [found !== t.negate, found ? "text found" : "text not found"];
    }
    case "count": {
      const n = t.unit === "words" ? (value.trim() === "" ? 0 : value.trim().split(/\s+/).length) : [...value].length;
      const ok = (t.min === null || n >= t.min) && (t.max === null || n <= t.max);
      return [ok, `${n} ${t.unit}`];
    }
    case "json": {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch (err) {
        return [false, `not valid JSON: ${(err as Error).message}`];
      }
      if (t.schema === null || typeof t.schema !== "object") return [true, "valid JSON"];
      let v = validators.get(t.schema);
      if (!v) {
        v = ajv.compile(t.schema as object);
        validators.set(t.schema, v);
      }
      return v(parsed) ? [true, "valid JSON matching the schema"] : [false, `does not match the schema: ${ajv.errorsText(v.errors)}`];
    }
    case "equals": {
      const other = row[t.other];
      if (other === undefined || other === null) return [false, `input \`${t.other}\` is missing`];
      let a = value;
      let b = text(other);
      if (t.ignore_whitespace) [a, b] = [a.replace(/\s+/g, " ").trim(), b.replace(/\s+/g, " ").trim()];
      if (t.ignore_case) [a, b] = [a.toLowerCase(), b.toLowerCase()];
      return [a === b, a === b ? "equal" : "different"];
    }
    case "numeric": {
      const other = row[t.other];
      if (other === undefined || other === null) return [false, `input \`${t.other}\` is missing`];
      const a = parseNumber(value);
      const b = parseNumber(text(other));
      if (a === null || b === null) return [false, `no number in \`${a === null ? t.input : t.other}\``];
      const ok = Math.abs(a - b) <= t.tolerance + 1e-12;
      return [ok, `${a} vs ${b}`];
    }
  }
}

export function runCheck(check: CheckIR, row: Readonly<Record<string, unknown>>): CheckResult {
  const [passed, detail] = test(check.test, row);
  return { id: check.id, passed, detail };
}
