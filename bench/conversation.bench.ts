/**
 * Evidence location inside conversations against flat text of the same length: does citing a
 * quote by `{turn, field}` cost more than citing it by offset in one string?
 * Each case is 40 conversations of 50 messages (user and assistant in turn, every fifth assistant
 * message a tool call whose arguments are JSON), ~20 KB of text each, built from ASAP-AES essays
 * (asap/folds/fold_0_test.tsv under the data folder, bench/data.ts; generated essays without it).
 * The flat text is the same messages' text joined by blank lines. 25 quotes per conversation:
 * 70% verbatim spans of 6–20 words of one message, 10% re-typed (case, spacing), 20% fabricated
 * (a real span's words shuffled), which go all the way to fuzzy matching, the slow path.
 * Preparation included, from the turns as the executor has them (rowInputs parsed and checked
 * the row's messages already and hands the parsed turns to evidence location). Run:
 * `npm run bench conversation`. Rounds of the three cases are interleaved (flat, any turn,
 * assistant turns, then the reverse, ...) so load and JIT state fall alike on each; 4 warm-up
 * rounds, then the median CPU time (user+sys) of 21 rounds per case. Prints PASS or FAIL against issue 20's
 * target, a quote in a conversation costs no more than in flat text of the same length, within
 * 5% (median CPU per round against median CPU per round: single rounds vary by far more than
 * 5% on shared cores, the medians of 21 interleaved rounds by about that much).
 */
import { readFileSync } from "node:fs";
import { locateInConversation, locateQuote, prepareConversation, prepareText } from "../src/evidence/index.js";
import { conversationJson, parseConversation, type Turn } from "../src/util/conversation.js";
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
  readonly turns: Turn[];
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
  // The canonical JSON round trip is what rowInputs does before evidence sees the turns.
  const turns = parseConversation(conversationJson(c.turns));
  if (!turns.ok) throw new Error(turns.error);
  return { turns: turns.turns, flat: texts.join("\n\n"), quotes };
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
    const p = prepareConversation(c.turns)!;
    for (const q of c.quotes) if (locateInConversation(p, q, scope, opts).match !== "none") found++;
  }
  return found;
}

interface Sample {
  readonly cpu: number;
  readonly wall: number;
  readonly found: number;
}

/** One round: CPU µs (user+sys), wall ms, quotes found. */
function sample(round: () => number): Sample {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const found = round();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { cpu: cpu.user + cpu.system, wall, found };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const chars = cases.reduce((a, c) => a + c.flat.length, 0) / cases.length;
console.log(
  `${CONVERSATIONS} conversations × ${TURNS} messages, ~${Math.round(chars)} characters each, ${QUOTES} quotes each`,
);
const kinds = [
  ["flat text", flatRound],
  ["conversation, any turn", () => conversationRound(undefined)],
  ["conversation, assistant turns only", () => conversationRound("assistant")],
] as const;
const samples: Sample[][] = kinds.map(() => []);
const WARMUP = 4;
const ROUNDS = 21;
// Odd rounds run the cases in reverse, so no case always follows the same one (a round partly
// pays to collect the garbage of the round before it).
for (let r = 0; r < WARMUP + ROUNDS; r++)
  for (const k of r % 2 === 0 ? [0, 1, 2] : [2, 1, 0]) {
    const s = sample(kinds[k]![1]);
    if (r >= WARMUP) samples[k]!.push(s);
  }
for (const [k, [name]] of kinds.entries()) {
  const cpus = samples[k]!.map((s) => s.cpu / quotesTotal);
  const wall = (median(samples[k]!.map((s) => s.wall)) * 1000) / quotesTotal;
  console.log(
    `${name.padEnd(34)} cpu ${median(cpus).toFixed(1)} µs a quote (rounds ${Math.min(...cpus).toFixed(1)}–${Math.max(...cpus).toFixed(1)}), wall ${wall.toFixed(1)} µs, found ${samples[k]![0]!.found}/${quotesTotal}`,
  );
}
const flatCpu = median(samples[0]!.map((s) => s.cpu));
const ratio = median(samples[1]!.map((s) => s.cpu)) / flatCpu;
const scopedRatio = median(samples[2]!.map((s) => s.cpu)) / flatCpu;
console.log(
  `target: a quote in a conversation costs no more than in flat text (within 5%): any turn ${(ratio * 100).toFixed(0)}% of flat (assistant turns only ${(scopedRatio * 100).toFixed(0)}%) → ${ratio <= 1.05 ? "PASS" : "FAIL"}`,
);
console.log(`peak rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
