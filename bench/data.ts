/**
 * The larger real data sets some benchmarks read, and what they fall back to. Real data lives outside
 * the repository (`../shared/data/` beside it on the project's machines, or wherever
 * RULERS_BENCH_DATA points); when it is absent a benchmark runs on generated data of the same shape
 * and says so on its first line, so its figures are never mistaken for the real-data ones.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DATA_DIR = process.env.RULERS_BENCH_DATA ?? resolve(root, "../shared/data");

/** The path of `rel` under DATA_DIR if it exists, else null; either way one line says which data runs. */
export function realData(rel: string, fallback: string): string | null {
  const path = join(DATA_DIR, rel);
  if (existsSync(path)) {
    console.log(`data: ${path}`);
    return path;
  }
  console.log(`data: ${path} is absent; running on ${fallback} (figures are not comparable to bench/README.md)`);
  return null;
}

/** Mulberry32: a small seeded generator, so generated data is the same on every run. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES =
  "ba be bi bo bu da de di do du fa fe fi ka ke ki ko la le li lo lu ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi wa we ya yo za".split(
    " ",
  );

/**
 * Essay-like words: a 4,000-word vocabulary drawn Zipf-style (a few words very common, most rare, as in
 * prose), with a comma or full stop after some. Only letters, commas and full stops, like the
 * filtered ASAP words the judge benchmarks use.
 */
export function generatedWords(count: number, seed = 1): string[] {
  const rand = seeded(seed);
  const vocabulary = Array.from({ length: 4000 }, () =>
    Array.from({ length: 1 + Math.floor(rand() * 3) }, () => SYLLABLES[Math.floor(rand() * SYLLABLES.length)]).join(""),
  );
  return Array.from({ length: count }, () => {
    const w = vocabulary[Math.floor(vocabulary.length * rand() ** 3)]!;
    const r = rand();
    return r < 0.06 ? `${w}.` : r < 0.12 ? `${w},` : w;
  });
}

/** Essays of 150–600 generated words in paragraphs, sentences capitalised. */
export function generatedEssays(count: number, seed = 1): string[] {
  const rand = seeded(seed + 1);
  const words = generatedWords(count * 400, seed);
  let at = 0;
  return Array.from({ length: count }, () => {
    const n = 150 + Math.floor(rand() * 450);
    const text = words
      .slice(at, at + n)
      .map((w, i, a) => (i === 0 || a[i - 1]!.endsWith(".") ? w[0]!.toUpperCase() + w.slice(1) : w))
      .join(" ");
    at = (at + n) % (words.length - 600);
    return text.replace(/\. /g, (m) => (rand() < 0.15 ? ".\n\n" : m));
  });
}
