/**
 * Quotes from a conversation. The messages' quotable stretches (each message's content, each
 * tool call's arguments) are joined into one text per evidence scope, prepared once, and a
 * quote is located in it exactly as in a flat text; a binary search then names the turn and
 * field the match lies in. So a quote costs what it costs in a flat text of the same length.
 * A match that straddles two stretches cites nothing real: the quote is then looked for in
 * each stretch alone, and if no stretch holds it, it is not found.
 */
import type { EvidenceScope } from "../compile/ir.js";
import { parseConversation, type Segment, segmentsOf, type Turn } from "../util/conversation.js";
import { type LocateOptions, locateQuote, type QuoteMatch } from "./locate.js";
import { type PreparedText, prepareText } from "./prepare.js";

/** Between stretches: a paragraph break, so no word or sentence runs from one into the next. */
const SEPARATOR = "\n\n";

interface ScopedText {
  readonly segments: readonly Segment[];
  /** Offset of each segment in `text.original`. */
  readonly starts: readonly number[];
  readonly text: PreparedText;
  readonly alone: (PreparedText | undefined)[];
}

export interface PreparedConversation {
  readonly kind: "conversation";
  readonly segments: readonly Segment[];
  scoped(scope: EvidenceScope | undefined): ScopedText;
}

export interface ConversationMatch extends QuoteMatch {
  readonly turn?: number;
  readonly field?: string;
}

function inScope(s: Segment, scope: EvidenceScope | undefined): boolean {
  if (scope === undefined) return true;
  return scope === "tool_calls" ? s.toolCall : s.role === scope;
}

/**
 * A conversation input, ready for quotes: its turns as rowInputs parsed them (the executor's
 * path: parsing the canonical JSON again would cost as much as a dozen quotes), or its canonical
 * JSON text; null if the text is not a conversation.
 */
export function prepareConversation(input: string | readonly Turn[]): PreparedConversation | null {
  let turns: readonly Turn[];
  if (typeof input === "string") {
    const c = parseConversation(input);
    if (!c.ok) return null;
    turns = c.turns;
  } else turns = input;
  const segments = segmentsOf(turns);
  const memo = new Map<string, ScopedText>();
  const prepared: PreparedConversation = {
    kind: "conversation",
    segments,
    scoped(scope) {
      const key = scope ?? "";
      let s = memo.get(key);
      if (!s) {
        const segs = segments.filter((x) => inScope(x, scope));
        // A scope that holds every stretch (only assistant turns quoted, say) shares the whole
        // conversation's prepared text rather than normalising and indexing it again.
        if (scope !== undefined && segs.length === segments.length) {
          s = prepared.scoped(undefined);
          memo.set(key, s);
          return s;
        }
        const starts: number[] = [];
        let at = 0;
        for (const x of segs) {
          starts.push(at);
          at += x.text.length + SEPARATOR.length;
        }
        s = {
          segments: segs,
          starts,
          text: prepareText(segs.map((x) => x.text).join(SEPARATOR)),
          alone: new Array(segs.length),
        };
        memo.set(key, s);
      }
      return s;
    },
  };
  return prepared;
}

function located(m: QuoteMatch, seg: Segment, start: number, end: number): ConversationMatch {
  const out: { -readonly [K in keyof ConversationMatch]: ConversationMatch[K] } = {
    match: m.match,
    start,
    end,
    turn: seg.turn,
    field: seg.field,
  };
  if (m.similarity !== undefined) out.similarity = m.similarity;
  return out;
}

/** Index of the last segment starting at or before `offset`. */
function segmentAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function locateInConversation(
  conv: PreparedConversation,
  quote: string,
  scope: EvidenceScope | undefined,
  opts: LocateOptions,
): ConversationMatch {
  const s = conv.scoped(scope);
  if (s.segments.length === 0) return { match: "none" };
  const m = locateQuote(s.text, quote, opts);
  if (m.match === "none" || m.start === undefined || m.end === undefined) return m;
  const i = segmentAt(s.starts, m.start);
  const seg = s.segments[i]!;
  const from = s.starts[i]!;
  // Built field by field: spreading `m` and then overriding its offsets sends V8 down a slow
  // generic path that cost more than the search itself (about 4 µs a quote).
  if (m.end <= from + seg.text.length) return located(m, seg, m.start - from, m.end - from);
  for (const [j, x] of s.segments.entries()) {
    s.alone[j] ??= prepareText(x.text);
    const one = locateQuote(s.alone[j]!, quote, opts);
    if (one.match !== "none") return located(one, x, one.start!, one.end!);
  }
  return { match: "none" };
}
