import type { RuleContext } from "../context.js";

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
const ID = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** spec.md §Header: the id is a name and the version MUST be semver (`1.2.0`). */
export function headerVersion(ctx: RuleContext): void {
  const h = ctx.file.header;
  if (!h) return;
  if (!SEMVER.test(h.version.raw)) {
    ctx.error(
      "invalid-version",
      `version \`${h.version.raw}\` is not semver; write it as MAJOR.MINOR.PATCH, e.g. \`1.0.0\``,
      h.version.loc,
    );
  }
  if (!ID.test(h.id.name) || h.id.name.endsWith(".") || h.id.name.includes("..")) {
    ctx.error(
      "invalid-id",
      `rubric id \`${h.id.name}\` must start with a letter and use letters, digits, \`_\`, \`-\` and single dots`,
      h.id.loc,
    );
  }
}
