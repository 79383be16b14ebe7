/**
 * Conversation inputs: OpenAI-style chat messages (with assistant `tool_calls` and `tool`
 * results), checked and brought to one shape. Prompt rendering, evidence location and the
 * deterministic checks all read this shape, so a row means the same thing to each of them.
 * Judged data is untrusted: nothing here interprets a message, it only checks its shape.
 */

export type Role = "system" | "developer" | "user" | "assistant" | "tool";
export const ROLES: readonly Role[] = ["system", "developer", "user", "assistant", "tool"];

export interface ToolCall {
  readonly id: string | null;
  readonly name: string;
  /** The arguments as JSON text, exactly as the model wrote them (an object is serialised). */
  readonly arguments: string;
}

export interface Turn {
  readonly role: Role;
  /** The message text (text parts joined with a blank line); "" when the message has none. */
  readonly content: string;
  readonly name?: string;
  readonly tool_call_id?: string;
  readonly tool_calls?: readonly ToolCall[];
}

/** A conversation is judged as a whole; this many messages is far past any real transcript. */
export const MAX_TURNS = 10_000;

export type ConversationResult = { ok: true; turns: Turn[] } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function contentOf(v: unknown, at: string): string | { error: string } {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (!Array.isArray(v)) return { error: `${at}.content must be a string, null or a list of text parts` };
  const texts: string[] = [];
  for (const [i, p] of v.entries()) {
    if (typeof p === "string") texts.push(p);
    else if (isObject(p) && (p.type === "text" || p.type === "input_text" || p.type === "output_text")) {
      if (typeof p.text !== "string") return { error: `${at}.content[${i}].text must be a string` };
      texts.push(p.text);
    } else
      return {
        error: `${at}.content[${i}] is not a text part${isObject(p) && typeof p.type === "string" ? ` (type \`${p.type}\`)` : ""}; declare images as \`image\` inputs`,
      };
  }
  return texts.join("\n\n");
}

function toolCallsOf(v: unknown, at: string): ToolCall[] | { error: string } {
  if (!Array.isArray(v)) return { error: `${at}.tool_calls must be a list` };
  const calls: ToolCall[] = [];
  for (const [i, c] of v.entries()) {
    const here = `${at}.tool_calls[${i}]`;
    if (!isObject(c)) return { error: `${here} must be an object` };
    const fn = isObject(c.function) ? c.function : c;
    if (typeof fn.name !== "string" || fn.name === "")
      return { error: `${here}.function.name must be a non-empty string` };
    let args: string;
    if (typeof fn.arguments === "string") {
      args = fn.arguments;
      try {
        JSON.parse(args);
      } catch (err) {
        return { error: `${here}.function.arguments is not valid JSON: ${(err as Error).message}` };
      }
    } else if (fn.arguments === undefined || isObject(fn.arguments)) args = JSON.stringify(fn.arguments ?? {});
    else return { error: `${here}.function.arguments must be JSON text or an object` };
    calls.push({ id: typeof c.id === "string" ? c.id : null, name: fn.name, arguments: args });
  }
  return calls;
}

/**
 * A row's conversation: a list of messages, an object with `messages`, or JSON text of either.
 * Errors name the message (`messages[3].role`) so a row's problem can be fixed at once.
 */
export function parseConversation(value: unknown): ConversationResult {
  let v = value;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return { ok: false, error: "is text, not a list of messages (a conversation is a JSON list of {role, content})" };
    }
  }
  if (isObject(v) && Array.isArray(v.messages)) v = v.messages;
  if (!Array.isArray(v)) return { ok: false, error: "must be a list of messages, each {role, content}" };
  if (v.length === 0) return { ok: false, error: "has no messages" };
  if (v.length > MAX_TURNS) return { ok: false, error: `has ${v.length} messages, over the limit of ${MAX_TURNS}` };
  const turns: Turn[] = [];
  for (const [i, m] of v.entries()) {
    const at = `messages[${i}]`;
    if (!isObject(m)) return { ok: false, error: `${at} must be an object {role, content}` };
    if (typeof m.role !== "string" || !(ROLES as readonly string[]).includes(m.role))
      return {
        ok: false,
        error: `${at}.role is ${JSON.stringify(m.role) ?? "missing"}; use one of ${ROLES.map((r) => `\`${r}\``).join(", ")}`,
      };
    const role = m.role as Role;
    const content = contentOf(m.content, at);
    if (typeof content !== "string") return { ok: false, error: content.error };
    const turn: { -readonly [K in keyof Turn]: Turn[K] } = { role, content };
    if (typeof m.name === "string") turn.name = m.name;
    if (m.tool_calls !== undefined && m.tool_calls !== null) {
      if (role !== "assistant")
        return { ok: false, error: `${at} has tool_calls but its role is \`${role}\`, not \`assistant\`` };
      const calls = toolCallsOf(m.tool_calls, at);
      if (!Array.isArray(calls)) return { ok: false, error: calls.error };
      if (calls.length) turn.tool_calls = calls;
    }
    if (role === "tool") {
      if (m.tool_call_id !== undefined && typeof m.tool_call_id !== "string")
        return { ok: false, error: `${at}.tool_call_id must be a string` };
      if (typeof m.tool_call_id === "string") turn.tool_call_id = m.tool_call_id;
    }
    turns.push(turn);
  }
  return { ok: true, turns };
}

/** One quotable stretch of a conversation: a message's content or one tool call's arguments. */
export interface Segment {
  readonly turn: number;
  readonly role: Role;
  /** `content` or `tool_calls[i].function.arguments`. */
  readonly field: string;
  readonly toolCall: boolean;
  readonly text: string;
}

export function segmentsOf(turns: readonly Turn[]): Segment[] {
  const out: Segment[] = [];
  for (const [turn, t] of turns.entries()) {
    if (t.content !== "") out.push({ turn, role: t.role, field: "content", toolCall: false, text: t.content });
    for (const [i, c] of (t.tool_calls ?? []).entries())
      out.push({ turn, role: t.role, field: `tool_calls[${i}].function.arguments`, toolCall: true, text: c.arguments });
  }
  return out;
}

/** The messages as the judge sees them, numbered, in a fixed key order (canonical JSON text). */
export function conversationJson(turns: readonly Turn[]): string {
  return JSON.stringify(
    turns.map((t, turn) => ({
      turn,
      role: t.role,
      ...(t.name !== undefined ? { name: t.name } : {}),
      ...(t.tool_call_id !== undefined ? { tool_call_id: t.tool_call_id } : {}),
      content: t.content,
      ...(t.tool_calls
        ? {
            tool_calls: t.tool_calls.map((c) => ({
              ...(c.id !== null ? { id: c.id } : {}),
              name: c.name,
              arguments: c.arguments,
            })),
          }
        : {}),
    })),
  );
}

/** The last message by `role`, or undefined. */
export function lastByRole(turns: readonly Turn[], role: string): Turn | undefined {
  for (let i = turns.length - 1; i >= 0; i--) if (turns[i]!.role === role) return turns[i];
  return undefined;
}

/** `chat[4].content`: where a quote from a conversation lies, as one name (reports and review). */
export function locationName(input: string, turn: number, field: string): string {
  return `${input}[${turn}].${field}`;
}

/** The text of a field named by `segmentsOf` (`content`, `tool_calls[i].function.arguments`), or undefined. */
export function fieldText(turns: readonly Turn[], turn: number, field: string): string | undefined {
  const t = turns[turn];
  if (!t) return undefined;
  if (field === "content") return t.content;
  const m = /^tool_calls\[(\d+)\]\.function\.arguments$/.exec(field);
  return m ? t.tool_calls?.[Number(m[1])]?.arguments : undefined;
}

const LOCATION = /^(.+)\[(\d+)\]\.(content|tool_calls\[\d+\]\.function\.arguments)$/;

/** The text `locationName` names in a row, or undefined when the row holds no such field. */
export function textAtLocation(row: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const m = LOCATION.exec(name);
  if (!m || !Object.hasOwn(row, m[1]!)) return undefined;
  const c = parseConversation(row[m[1]!]);
  return c.ok ? fieldText(c.turns, Number(m[2]), m[3]!) : undefined;
}
