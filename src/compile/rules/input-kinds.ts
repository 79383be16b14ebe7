import type * as A from "../../syntax/ast.js";
import type { RuleContext } from "../context.js";
import { single } from "../context.js";
import { suggest } from "../suggest.js";

/** Message roles of an OpenAI-style conversation, as `in <role> turns` and `last <role> message` name them. */
export const ROLES: readonly string[] = ["system", "developer", "user", "assistant", "tool"];

const KIND_WORD: Record<A.InputKind, string> = {
  text: "text",
  conversation: "a conversation",
  reference: "a reference answer",
  image: "an image",
};

function kindOf(ctx: RuleContext, name: string): A.InputKind | undefined {
  const d = ctx.decls.inputs.find((i) => i.name.name === name);
  return d ? (d.inputKind ?? "text") : undefined;
}

function checkRole(ctx: RuleContext, role: A.Ident, owner: string): void {
  if (!ROLES.includes(role.name))
    ctx.error(
      "unknown-role",
      `${owner} names the role \`${role.name}\`; a message's role is one of ${ROLES.map((r) => `\`${r}\``).join(", ")}${suggest(role.name, ROLES)}`,
      role.loc,
    );
}

function checkScope(ctx: RuleContext, owner: string, rule: A.EvidenceRuleNode): void {
  const scope = rule.scope;
  if (!scope) return;
  if (scope.role) checkRole(ctx, scope.role, owner);
  const sources = rule.from.length
    ? rule.from.map((f) => f.name)
    : ctx.decls.inputs.filter((i) => i.quotable).map((i) => i.name.name);
  for (const s of sources) {
    const kind = kindOf(ctx, s);
    if (kind !== undefined && kind !== "conversation")
      ctx.error(
        "scope-needs-conversation",
        `${owner} takes evidence \`${scope.role ? `in ${scope.role.name} turns` : "in tool calls"}\`, but \`${s}\` is ${KIND_WORD[kind]}, not a conversation; name conversation inputs with \`from\``,
        scope.loc,
      );
  }
}

function checkTestKinds(ctx: RuleContext, c: A.CheckDecl): void {
  const t = c.test;
  const owner = `check \`${c.id.name}\``;
  const kind = kindOf(ctx, t.input.name);
  if (kind === undefined) return; // unknown-input is check-tests' business
  const last = t.kind === "CountTest" ? undefined : t.last;
  const structural = t.kind === "ToolCallTest" || (t.kind === "CountTest" && t.unit === "turns") || !!last;
  if (last) checkRole(ctx, last.role, owner);
  if (t.kind === "ToolCallTest" && last) {
    ctx.error(
      "invalid-check",
      `${owner} asks whether one message calls a tool; write \`${t.input.name} calls tool ${t.tool}\` for the whole conversation`,
      last.loc,
    );
  }
  if (structural && kind !== "conversation") {
    ctx.error(
      "check-needs-conversation",
      `${owner} reads the turns of \`${t.input.name}\`, which is ${KIND_WORD[kind]}; declare it \`input ${t.input.name} conversation\``,
      t.input.loc,
    );
  } else if (!structural && (kind === "conversation" || kind === "image")) {
    ctx.error(
      "check-needs-text",
      `${owner} tests \`${t.input.name}\` as text, but it is ${KIND_WORD[kind]}${kind === "conversation" ? "; test one message with `last <role> message of`" : ""}`,
      t.input.loc,
    );
  }
  if ("other" in t) {
    const other = kindOf(ctx, t.other.name);
    if (other === "conversation" || other === "image")
      ctx.error(
        "check-needs-text",
        `${owner} compares with \`${t.other.name}\`, which is ${KIND_WORD[other]}, not text`,
        t.other.loc,
      );
  }
}

/**
 * spec.md §Input kinds: reference answers and images are never quotable, evidence scopes and
 * rules over structure need conversations, text tests need text.
 */
export function inputKinds(ctx: RuleContext): void {
  for (const i of ctx.decls.inputs) {
    if (i.quotable && (i.inputKind === "reference" || i.inputKind === "image"))
      ctx.error(
        "kind-not-quotable",
        i.inputKind === "reference"
          ? `input \`${i.name.name}\` is a reference answer, which is never evidence of the response; remove \`quotable\``
          : `input \`${i.name.name}\` is an image, which has no text to quote; remove \`quotable\``,
        i.kindLoc ?? i.loc,
      );
  }
  if (ctx.file.header?.form === "part") return; // a part's inputs are its importer's
  for (const c of ctx.decls.criteria)
    for (const s of c.settings) if (s.kind === "EvidenceRule") checkScope(ctx, `criterion \`${c.id.name}\``, s);
  const t = single(ctx.decls, "Template");
  if (t) for (const s of t.settings) if (s.kind === "EvidenceRule") checkScope(ctx, "the per-item template", s);
  for (const c of ctx.decls.checks) checkTestKinds(ctx, c);
  const mode = single(ctx.decls, "Mode");
  for (const s of mode?.settings ?? []) {
    if (s.kind !== "Compare") continue;
    const [a, b] = [kindOf(ctx, s.a.name), kindOf(ctx, s.b.name)];
    // Swapping the order swaps the two values, so both must be read the same way.
    if (a && b && a !== b && a !== "reference" && b !== "reference" && a !== "image" && b !== "image")
      ctx.error(
        "compare-kind",
        `pairwise mode compares \`${s.a.name}\` (${KIND_WORD[a]}) with \`${s.b.name}\` (${KIND_WORD[b]}); declare both with the same kind`,
        s.loc,
      );
    for (const side of [s.a, s.b]) {
      const kind = kindOf(ctx, side.name);
      if (kind === "reference" || kind === "image")
        ctx.error(
          "compare-kind",
          `pairwise mode compares \`${side.name}\`, which is ${KIND_WORD[kind]}; compare two responses (text or conversations)`,
          side.loc,
        );
    }
  }
}
