/**
 * Evidence location speed: 1,000 quotes against 20 KB texts, prepareText included (each text is
 * prepared afresh in every round, as the executor does once per input per item).
 * Texts: ASAP-AES essays (asap/folds/fold_0_test.tsv under the data folder, bench/data.ts) joined until each is
 * ≥ 20,000 characters. Quotes per text, from a seeded generator: 70% verbatim spans of 6–25
 * words, 10% re-typed (case, whitespace, curly quotes), 5% elided with `…`, 5% misquoted by one
 * dropped word, 10% fabricated (words of a real span shuffled, 3 of 12 words replaced, or a
 * sentence of corpus words); the fabricated tenth all reach the fuzzy stage, the slow path.
 * Run: `npx tsx bench/evidence.bench.ts` (or `npm run bench evidence`).
 *
 * Figures on this project's 2-core machine (Node 20.20, through tsx), median of 15 rounds after
 * 3 warm-up rounds (the first, cold round pays for JIT warm-up):
 *   50 texts × 20 quotes  (1,000 quotes, 50 prepared 21 KB texts)   median 39–43 ms, cold ~130–280 ms
 *   10 texts × 100 quotes (1,000 quotes, 10 prepared texts)          median 14 ms
 *    1 text  × 1,000 quotes                                          median 7.5 ms
 *   huge: one 5 MB text × 100 quotes (prepare ≈ all of it)           median ~450 ms
 * Fabricated quotes verified: 0 in every case. Verbatim, re-typed and elided quotes: all found.
 * Misquoted: 47–48 of 50 found fuzzy; the rest dropped a guarded word (`no`, `not`, or a token
 * with a digit such as `@CAPS4`), which fuzzy matching refuses on purpose.
 * Where the time goes: preparing a 20 KB text (normalise + word index) ≈ 0.6 ms; a verbatim quote
 * ≈ 2 µs; a quote reaching the fuzzy stage ≈ 20–60 µs.
 */
import { readFileSync } from "node:fs";
import { locateQuote, type MatchKind, prepareText } from "../src/evidence/index.js";
import { generatedEssays, realData } from "./data.js";

/** The `essay` column of a TSV whose fields may be double-quoted (with "" escapes and newlines). */
function essays(tsv: string): string[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < tsv.length; i++) {
    const c = tsv[i]!;
    if (quoted) {
      if (c === '"' && tsv[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === "\t") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      row.push(field.replace(/\r$/, ""));
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  const col = rows[0]!.indexOf("essay");
  return rows
    .slice(1)
    .map((r) => r[col] ?? "")
    .filter((e) => e.length > 200);
}

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = "verbatim" | "retyped" | "elided" | "misquoted" | "fabricated";
interface Quote {
  readonly kind: Kind;
  readonly quote: string;
}

function quotesFor(text: string, count: number, vocabulary: readonly string[], rand: () => number): Quote[] {
  const words = [...text.matchAll(/\S+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length, text: m[0] }));
  const int = (n: number) => Math.floor(rand() * n);
  const span = (len: number) => {
    const from = int(words.length - len);
    return {
      text: text.slice(words[from]!.start, words[from + len - 1]!.end),
      words: words.slice(from, from + len).map((w) => w.text),
    };
  };
  const own = new Set(text.toLowerCase().match(/[a-z']+/g) ?? []);
  // Replacement words the text never uses, so a "fabricated" quote is never a real passage.
  const foreign = () => {
    for (let tries = 0; tries < 50; tries++) {
      const w = vocabulary[int(vocabulary.length)]!;
      if (!own.has(w)) return w;
    }
    return "florbish"; // a huge text may use every corpus word
  };
  const out: Quote[] = [];
  for (let k = 0; k < count; k++) {
    const slot = k % 20;
    if (slot < 14) out.push({ kind: "verbatim", quote: span(6 + int(20)).text });
    else if (slot < 16) {
      const s = span(8 + int(12)).words;
      out.push({
        kind: "retyped",
        quote: `\u201c${s
          .join(rand() < 0.5 ? "  " : "\n")
          .toLowerCase()
          .replace(/'/g, "\u2019")}\u201d`,
      });
    } else if (slot === 16) {
      const s = span(20).words;
      out.push({ kind: "elided", quote: `${s.slice(0, 5).join(" ")} \u2026 ${s.slice(15).join(" ")}` });
    } else if (slot === 17) {
      const s = span(15).words;
      s.splice(7, 1);
      out.push({ kind: "misquoted", quote: s.join(" ") });
    } else {
      const variant = int(3);
      if (variant === 0)
        out.push({
          kind: "fabricated",
          quote: span(12)
            .words.sort(() => rand() - 0.5)
            .join(" "),
        });
      else if (variant === 1) {
        const s = span(12).words;
        for (const i of [2, 6, 9]) s[i] = foreign();
        out.push({ kind: "fabricated", quote: s.join(" ") });
      } else
        out.push({
          kind: "fabricated",
          quote: Array.from({ length: 10 + int(10) }, () => vocabulary[int(vocabulary.length)]!).join(" "),
        }); // corpus words, some in the text
    }
  }
  return out;
}

const TSV = realData("asap/folds/fold_0_test.tsv", "2,000 generated essays");
const all = TSV ? essays(readFileSync(TSV, "utf8")) : generatedEssays(2000);
const vocabulary = [...new Set(all.slice(0, 300).join(" ").split(/\s+/))].filter((w) => /^[a-z]{3,}$/.test(w));

function textsOf(count: number, size: number, offset: number): string[] {
  const out: string[] = [];
  let i = offset;
  for (let t = 0; t < count; t++) {
    let s = "";
    while (s.length < size) s += `${all[i++ % all.length]}\n\n`;
    out.push(s);
  }
  return out;
}

interface Case {
  readonly name: string;
  readonly texts: string[];
  readonly quotes: Quote[][];
}

function makeCase(name: string, texts: number, size: number, perText: number, seed: number): Case {
  const rand = rng(seed);
  const ts = textsOf(texts, size, seed * 7);
  return { name, texts: ts, quotes: ts.map((t) => quotesFor(t, perText, vocabulary, rand)) };
}

function round(c: Case): { ms: number; tally: Map<string, number> } {
  const tally = new Map<string, number>();
  const t0 = performance.now();
  const results: MatchKind[][] = [];
  c.texts.forEach((text, i) => {
    const p = prepareText(text);
    results.push(c.quotes[i]!.map((q) => locateQuote(p, q.quote, { fuzzyThreshold: 0.9 }).match));
  });
  const ms = performance.now() - t0;
  results.forEach((r, i) => {
    r.forEach((m, j) => {
      const key = `${c.quotes[i]![j]!.kind} → ${m}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    });
  });
  return { ms, tally };
}

function run(c: Case, rounds = 15): void {
  const cold = round(c).ms;
  for (let k = 0; k < 2; k++) round(c);
  const times: number[] = [];
  let tally = new Map<string, number>();
  for (let k = 0; k < rounds; k++) {
    const r = round(c);
    times.push(r.ms);
    tally = r.tally;
  }
  times.sort((a, b) => a - b);
  const quotes = c.quotes.reduce((n, q) => n + q.length, 0);
  const kb = Math.round(c.texts.reduce((n, t) => n + t.length, 0) / c.texts.length / 1000);
  console.log(
    `${c.name.padEnd(28)} ${String(quotes).padStart(5)} quotes, ${c.texts.length} text(s) of ~${kb} KB: ` +
      `median ${times[times.length >> 1]!.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, cold ${cold.toFixed(1)} ms`,
  );
  const fabricatedVerified = [...tally]
    .filter(([k]) => k.startsWith("fabricated") && !k.endsWith("none"))
    .reduce((n, [, v]) => n + v, 0);
  console.log(
    `  ${[...tally]
      .sort()
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ")}; fabricated verified: ${fabricatedVerified}`,
  );
}

run(makeCase("50 texts × 20 quotes", 50, 20_000, 20, 1));
run(makeCase("10 texts × 100 quotes", 10, 20_000, 100, 2));
run(makeCase("1 text × 1,000 quotes", 1, 20_000, 1000, 3));
run(makeCase("huge: 1 text × 100 quotes", 1, 5_000_000, 100, 4), 5);
