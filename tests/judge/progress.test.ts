import { describe, expect, it } from "vitest";
import { createProgress, type ProgressStream, progressLine } from "../../src/judge/progress.js";

function terminal(isTTY: boolean, columns = 100): ProgressStream & { out: string[] } {
  const out: string[] = [];
  return { isTTY, columns, out, write: (t: string) => out.push(t) };
}

describe("createProgress", () => {
  it("writes nothing when the stream is not a terminal", () => {
    const stream = terminal(false);
    const p = createProgress(10, { stream });
    for (let i = 0; i < 10; i++) p.tick({ failed: i === 3 });
    p.done();
    expect(stream.out).toEqual([]);
  });

  it("writes nothing when disabled, even on a terminal", () => {
    const stream = terminal(true);
    const p = createProgress(3, { stream, enabled: false });
    p.tick();
    p.done();
    expect(stream.out).toEqual([]);
  });

  it("redraws at most every 100 ms and ends with the final counts and a newline", () => {
    const stream = terminal(true);
    let t = 1_000;
    const p = createProgress(1000, { stream, now: () => t });
    for (let i = 0; i < 500; i++) p.tick(); // all within the same millisecond: one draw
    expect(stream.out).toHaveLength(1);
    t += 50;
    p.tick();
    expect(stream.out).toHaveLength(1);
    t += 60;
    p.tick({ failed: true });
    expect(stream.out).toHaveLength(2);
    t += 1000;
    for (let i = 0; i < 498; i++) p.tick(i === 0);
    p.done();
    const last = stream.out[stream.out.length - 2]!;
    expect(last.startsWith("\r\x1b[2K")).toBe(true);
    expect(last).toContain("1000/1000 100%");
    expect(last).toContain("2 failed");
    expect(stream.out[stream.out.length - 1]).toBe("\n");
    // The rate is over elapsed time: 1000 items in 1.11 s.
    expect(last).toMatch(/ 900\.9\/s /);
  });

  it("accepts the stream itself as the second argument and tick(boolean)", () => {
    const stream = terminal(true);
    const p = createProgress(2, stream);
    p.tick(true);
    p.done();
    p.done();
    expect(stream.out.filter((s) => s === "\n")).toHaveLength(1);
    expect(stream.out.join("")).toContain("1 failed");
  });

  it("counts items finished before a resumed run as done but not in the rate", () => {
    const stream = terminal(true);
    let t = 0;
    const p = createProgress(100, { stream, now: () => t, initial: 90 });
    t = 2000;
    p.tick();
    p.tick();
    p.done();
    expect(stream.out.join("")).toMatch(/92\/100 92%\s+1\.0\/s\s+eta 0:08/);
  });
});

describe("progressLine", () => {
  it("shows done/total, percent, rate, ETA and failures, within the terminal width", () => {
    const line = progressLine({ label: "judging", done: 250, total: 1000, failed: 3, rate: 12.5, columns: 100 });
    expect(line).toBe("judging [########----------------------] 250/1000 25%  12.5/s  eta 1:00  3 failed");
    expect(line.length).toBeLessThan(100);
    const narrow = progressLine({ label: "judging", done: 250, total: 1000, failed: 0, rate: 12.5, columns: 40 });
    expect(narrow.length).toBeLessThanOrEqual(39);
  });

  it("shows an unknown ETA before any item finishes and hours for long runs", () => {
    expect(progressLine({ label: "j", done: 0, total: 10, failed: 0, rate: 0, columns: 80 })).toContain("eta --:--");
    expect(progressLine({ label: "j", done: 0, total: 100_000, failed: 0, rate: 10, columns: 80 })).toContain(
      "eta 2:46:40",
    );
  });
});
