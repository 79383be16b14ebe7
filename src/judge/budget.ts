/**
 * `--max-cost`: no call starts that would take the projected spend past the cap. Each call
 * reserves its projected cost before it is sent (prompt tokens estimated from the text, the
 * answer at the rubric's `max tokens` or, without one, the largest answer seen so far) and
 * settles at its real cost when it returns; calls in flight count at their reservation, so a
 * burst of concurrent calls cannot overshoot together.
 */
import {
  type ChatRequest,
  JudgeCallError,
  messageText,
  type PriceList,
  roundUsd,
  type Usage,
} from "../provider/index.js";

/** Answer tokens assumed before any answer has been seen, when the rubric sets no `max tokens`. */
export const FIRST_ANSWER_GUESS = 1000;

export class Budget {
  private spentUsd = 0;
  private reservedUsd = 0;
  private largestAnswer = 0;
  constructor(
    readonly capUsd: number,
    private readonly prices: PriceList,
  ) {}

  get spent(): number {
    return roundUsd(this.spentUsd);
  }

  /** Projected USD of one call. */
  project(request: ChatRequest): number {
    const p = this.prices.lookup(request.model);
    if (!p) return 0;
    let chars = 0;
    for (const m of request.messages) chars += messageText(m.content).length;
    // ~4 characters a token in English prose; the schema travels with the request too.
    const prompt = Math.ceil(chars / 4) + 400;
    const answer = (request.max_tokens ?? (this.largestAnswer || FIRST_ANSWER_GUESS)) + (request.reasoning_budget ?? 0);
    return (prompt * p.input + answer * p.output) / 1e6;
  }

  /** Reserves a call's projected cost, or refuses it with a fatal error; returns the reservation. */
  reserve(request: ChatRequest): number {
    const projected = this.project(request);
    if (this.spentUsd + this.reservedUsd + projected > this.capUsd) {
      const already =
        this.spentUsd === 0 && this.reservedUsd === 0 ? " (the first call alone is projected past it)" : "";
      throw new JudgeCallError(
        "budget",
        `the next call (projected $${projected.toFixed(4)}) would take the spend past --max-cost $${this.capUsd}${already}; $${this.spent.toFixed(4)} spent so far`,
        undefined,
        { retryable: false, fatal: true },
      );
    }
    this.reservedUsd += projected;
    return projected;
  }

  settle(reserved: number, reported: string, requested: string, usage: Usage | null): void {
    this.reservedUsd = Math.max(0, this.reservedUsd - reserved);
    if (!usage) return;
    this.spentUsd += this.prices.cost(reported, usage) ?? this.prices.cost(requested, usage) ?? 0;
    this.largestAnswer = Math.max(this.largestAnswer, usage.completion_tokens);
  }
}
