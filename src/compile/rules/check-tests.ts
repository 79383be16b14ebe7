import type { Text } from "../../syntax/ast.js";
import { ajvPackage } from "../../util/packages.js";
import type { RuleContext } from "../context.js";
import { suggest } from "../suggest.js";
import { numberOf } from "../values.js";

function checkSchema(ctx: RuleContext, id: string, text: Text): void {
  let schema: unknown;
  try {
    schema = JSON.parse(text.value);
  } catch (err) {
    ctx.error(
      "invalid-json-schema",
      `the schema of check \`${id}\` is not valid JSON: ${(err as Error).message}`,
      text.loc,
    );
    return;
  }
  try {
    new (ajvPackage().Ajv)({ strict: false }).compile(schema as object);
  } catch (err) {
    ctx.error(
      "invalid-json-schema",
      `the schema of check \`${id}\` is not a valid JSON Schema: ${(err as Error).message}`,
      text.loc,
    );
  }
}

/** spec.md §Deterministic checks: checks read declared inputs, regexes compile, schemas are valid JSON Schema. */
export function checkTests(ctx: RuleContext): void {
  const inputs = [...ctx.inputNames];
  for (const c of ctx.decls.checks) {
    const t = c.test;
    const refs = [t.input, ...("other" in t ? [t.other] : [])];
    for (const r of refs) {
      if (!ctx.inputNames.has(r.name) && ctx.file.header?.form !== "part") {
        ctx.error(
          "unknown-input",
          `check \`${c.id.name}\` reads \`${r.name}\`, which is not a declared input${suggest(r.name, inputs)}`,
          r.loc,
        );
      }
    }
    switch (t.kind) {
      case "RegexTest": {
        const m = /^\/(.*)\/([a-z]*)$/s.exec(t.regex);
        try {
          new RegExp(m?.[1] ?? "", m?.[2] ?? "");
        } catch (err) {
          ctx.error(
            "invalid-regex",
            `check \`${c.id.name}\` has an invalid pattern: ${(err as Error).message.replace(/^Invalid regular expression: /, "")}`,
            t.regexLoc,
          );
        }
        break;
      }
      case "CountTest": {
        const min = t.min ? numberOf(t.min) : undefined;
        const max = t.max ? numberOf(t.max) : undefined;
        for (const v of [t.min, t.max]) {
          if (v && (numberOf(v) === undefined || numberOf(v)! < 0 || !Number.isInteger(numberOf(v))))
            ctx.error("invalid-setting", `count \`${v.raw}\` in check \`${c.id.name}\` must be a whole number`, v.loc);
        }
        if (min !== undefined && max !== undefined && min > max)
          ctx.error(
            "invalid-setting",
            `check \`${c.id.name}\` wants between ${min} and ${max}; the first number must be the smaller`,
            t.loc,
          );
        break;
      }
      case "JsonTest":
      case "ToolCallTest":
        if (t.schema) checkSchema(ctx, c.id.name, t.schema);
        break;
      case "NumericTest":
        if (t.tolerance && (numberOf(t.tolerance) === undefined || numberOf(t.tolerance)! < 0)) {
          ctx.error(
            "invalid-setting",
            `tolerance \`${t.tolerance.raw}\` of check \`${c.id.name}\` must be a number ≥ 0`,
            t.tolerance.loc,
          );
        }
        break;
      default:
        break;
    }
  }
}
