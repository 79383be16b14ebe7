/**
 * Evidence location inside conversations against flat text of the same length: does citing a
 * quote by `{turn, field}` cost more than citing it by offset in one string?
 * Each case is 40 conversations of 50 messages (user and assistant in turn, every fifth assistant
 * message a tool call whose arguments are JSON), ~20 KB of text each, built from ASAP-AES essays
 * (asap/folds/fold_0_test.tsv under the data folder, bench/data.ts; generated essays without it).
 * The flat text is the same messages' text joined by blank lines. 25 quotes per conversation:
 * 70% verbatim spans of 6–20 words of one message, 10% re-typed (case, spacing), 20% fabricated
 * (a real span's words shuffled), which go all the way to fuzzy matching, the slow path.
 * Preparation included (as the executor prepares each input once per item). Run:
 * `npm run bench conversation`. Prints the median of 9 rounds after 2 warm-up rounds.
 */
import { readFileSync } from "node:fs";
import { locateInConversation, locateQuote, prepareConversation, prepareText } from "../src/evidence/index.js";
import { conversationJson, parseConversation } from "../src/util/conversation.js";
import { generatedEssays, realData, seeded } from "./data.js";

const TSV = realData("asap/folds/fold_0_test.tsv", "2,000 generated essays");
const corpus = TSV
  ? readFileSync(TSV, "utf8")
      .split("\n")
      .slice(1)
      .map((l) => l.split("\t")[2] ?? "")
      .filter((e) => e.length > 400)
  : generatedEssays(2000);

const rand = seeded(7);
const int = (n: number) => Math.floor(rand() * n);
const CONVERSATIONS = 40;
const TURNS = 50;
const QUOTES = 25;

interface Case {
  readonly json: string;
  readonly flat: string;
  readonly quotes: string[];
}

function makeCase(): Case {
  const messages: unknown[] = [];
  const texts: string[] = [];
  for (let t = 0; t < TURNS; t++) {
    const essay = corpus[int(corpus.length)]!;
    const start = int(Math.max(1, essay.length - 400));
    const text = essay.slice(start, start + 400);
    const role = t % 2 === 0 ? "user" : "assistant";
    if (role === "assistant" && t % 10 === 9) {
      const args = JSON.stringify({ query: text.slice(0, 200), limit: 5 });
      messages.push({
        role,
        content: null,
        tool_calls: [{ id: `c${t}`, function: { name: "search", arguments: args } }],
      });
      texts.push(args);
    } else {
      messages.push({ role, content: text });
      texts.push(text);
    }
  }
  const quotes: string[] = [];
  for (let q = 0; q < QUOTES; q++) {
    const words = texts[int(texts.length)]!.split(/\s+/).filter(Boolean);
    const len = 6 + int(15);
    const from = int(Math.max(1, words.length - len));
    const span = words.slice(from, from + len);
    const r = rand();
    if (r < 0.7) quotes.push(span.join(" "));
    else if (r < 0.8) quotes.push(span.join("  ").toUpperCase());
    else quotes.push([...span].sort(() => rand() - 0.5).join(" "));
  }
  const c = parseConversation(messages);
  if (!c.ok) throw new Error(c.error);
  return { json: conversationJson(c.turns), flat: texts.join("\n\n"), quotes };
}

const cases = Array.from({ length: CONVERSATIONS }, makeCase);
const quotesTotal = CONVERSATIONS * QUOTES;
const opts = { fuzzyThreshold: 0.9 };

function flatRound(): number {
  let found = 0;
  for (const c of cases) {
    const p = prepareText(c.flat);
    for (const q of c.quotes) if (locateQuote(p, q, opts).match !== "none") found++;
  }
  return found;
}

function conversationRound(scope: "assistant" | undefined): number {
  let found = 0;
  for (const c of cases) {
    const p = prepareConversation(c.json)!;
    for (const q of c.quotes) if (locateInConversation(p, q, scope, opts).match !== "none") found++;
  }
  return found;
}

function measure(name: string, round: () => number): void {
  const times: number[] = [];
  let found = 0;
  let cpu0 = process.cpuUsage();
  for (let i = 0; i < 11; i++) {
    if (i === 2) cpu0 = process.cpuUsage();
    const t0 = performance.now();
    found = round();
    if (i >= 2) times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1]!;
  console.log(
    `${name.padEnd(34)} median ${median.toFixed(1)} ms (${((median * 1000) / quotesTotal).toFixed(1)} µs a quote), found ${found}/${quotesTotal}, cpu ${((cpu.user + cpu.system) / 9 / quotesTotal).toFixed(1)} µs a quote`,
  );
}

const chars = cases.reduce((a, c) => a + c.flat.length, 0) / cases.length;
console.log(
  `${CONVERSATIONS} conversations × ${TURNS} messages, ~${Math.round(chars)} characters each, ${QUOTES} quotes each`,
);
// Twice each, alternating, so neither side alone pays for the JIT's warm-up.
for (let pass = 0; pass < 2; pass++) {
  measure("flat text", flatRound);
  measure("conversation, any turn", () => conversationRound(undefined));
  measure("conversation, assistant turns only", () => conversationRound("assistant"));
}
console.log(`peak rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
