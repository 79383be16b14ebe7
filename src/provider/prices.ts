/**
 * What a call costs: a price per million tokens for input, cached input and output, looked up
 * by model. A dated default list ships (prices-data.ts); `--prices file.json` overrides and
 * extends it. A model with no price costs `null`, never a guess.
 */
import { readFileSync } from "node:fs";
import { RulersError } from "../util/errors.js";
import { lazy } from "../util/lazy.js";
import { zodPackage } from "../util/packages.js";
import { DEFAULT_PRICES, PRICES_DATE } from "./prices-data.js";
import type { Usage } from "./types.js";

export interface ModelPrice {
  readonly model: string;
  /** USD per million tokens. */
  readonly input: number;
  readonly cached_input: number;
  readonly output: number;
}

export interface PriceList {
  /** When the prices were read off the providers' pages (the file's `date`, or the shipped list's). */
  readonly date: string;
  /** The price of a model: exact name first, then the longest listed name it starts with (dated snapshots). */
  lookup(model: string): ModelPrice | null;
  /** USD for one call's usage, or null for a model without a price. */
  cost(model: string, usage: Usage): number | null;
}

const priceSchemas = lazy(() => {
  const { z } = zodPackage();
  const Price = z
    .object({
      model: z.string().min(1),
      input: z.number().nonnegative(),
      cached_input: z.number().nonnegative().optional(),
      output: z.number().nonnegative(),
    })
    .strict();
  const File = z.object({ date: z.string().min(1), prices: z.array(z.unknown()) }).strict();
  return { Price, File };
});

export class PricesError extends RulersError {
  override readonly code: string = "prices";
}

export function priceList(extra: readonly ModelPrice[] = [], date?: string): PriceList {
  const byName = new Map<string, ModelPrice>();
  for (const p of DEFAULT_PRICES) byName.set(p.model.toLowerCase(), p);
  for (const p of extra) byName.set(p.model.toLowerCase(), p);
  // Longest names first, so `gpt-4o-mini-2024-07-18` finds gpt-4o-mini, not gpt-4o.
  const names = [...byName.keys()].sort((a, b) => b.length - a.length);
  const memo = new Map<string, ModelPrice | null>();
  const lookup = (model: string): ModelPrice | null => {
    let p = memo.get(model);
    if (p === undefined) {
      const m = model.toLowerCase().replace(/^models\//, "");
      p = byName.get(m) ?? null;
      if (!p) {
        const prefix = names.find((n) => m.startsWith(`${n}-`) || m.startsWith(`${n}@`));
        p = prefix ? byName.get(prefix)! : null;
      }
      memo.set(model, p);
    }
    return p;
  };
  return {
    date: date ?? PRICES_DATE,
    lookup,
    cost(model, usage) {
      const p = lookup(model);
      if (!p) return null;
      const cached = Math.min(usage.cached_tokens ?? 0, usage.prompt_tokens);
      const usd =
        ((usage.prompt_tokens - cached) * p.input +
          cached * (p.cached_input ?? p.input) +
          usage.completion_tokens * p.output) /
        1e6;
      return roundUsd(usd);
    },
  };
}

/** Costs are kept to a millionth of a cent: sums of many calls stay exact enough and stable. */
export function roundUsd(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}

/** A prices file: `{"date": "YYYY-MM-DD", "prices": [{"model", "input", "cached_input"?, "output"}]}`, USD per 1M tokens. */
export function readPrices(path: string): PriceList {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new PricesError(`cannot read prices \`${path}\`: ${(err as Error).message}`);
  }
  const f = priceSchemas().File.safeParse(json);
  if (!f.success)
    throw new PricesError(
      `${path}: expected {"date": "...", "prices": [...]}: ${f.error.issues[0]?.path.join(".") || "(file)"} ${f.error.issues[0]?.message}`,
    );
  const prices = f.data.prices.map((e, i) => {
    const r = priceSchemas().Price.safeParse(e);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new PricesError(
        `${path}: price ${i + 1}${issue.path.length ? `, field \`${issue.path.join(".")}\`` : ""}: ${issue.message}`,
      );
    }
    return { ...r.data, cached_input: r.data.cached_input ?? r.data.input };
  });
  return priceList(prices, f.data.date);
}
