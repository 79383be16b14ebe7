/**
 * What a caller pays before doing anything (issue 16): `import("rulers")` (the package root,
 * `exports["."]` → dist/index.js) and `rulers --help`, each in fresh processes. A child reports
 * its own CPU time and peak RSS at exit, so the figures need no outside `time` tool; CPU and RSS
 * barely move with machine load, wall time does.
 * Run: npm run bench import-cost   (targets: root < 150 ms and < 60 MB; `--help` about 0.07 s CPU)
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "..");
const RUNS = Number(process.env.RUNS ?? 7);
// Written at exit by every measured process: user+sys CPU and peak RSS of that whole process.
const REPORT = `data:text/javascript,import{writeSync}from"node:fs";process.on("exit",()=>{const u=process.resourceUsage();writeSync(2,"\\n@cost "+JSON.stringify({cpu:(u.userCPUTime+u.systemCPUTime)/1000,rss:u.maxRSS/1024})+"\\n")})`;

interface Cost {
  wall: number;
  cpu: number;
  rss: number;
}

function measure(args: string[]): Cost {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--import", REPORT, ...args], { cwd: root, encoding: "utf8" });
  const wall = performance.now() - t0;
  const line = /@cost (\{.*\})/.exec(r.stderr);
  if (r.status !== 0 || !line) throw new Error(`\`node ${args.join(" ")}\` failed (${r.status}): ${r.stderr}`);
  return { wall, ...(JSON.parse(line[1]!) as { cpu: number; rss: number }) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function row(label: string, args: string[], base?: Cost): Cost {
  measure(args); // warm the file cache
  const runs = Array.from({ length: RUNS }, () => measure(args));
  const m = {
    wall: median(runs.map((r) => r.wall)),
    cpu: median(runs.map((r) => r.cpu)),
    rss: median(runs.map((r) => r.rss)),
  };
  const extra = base
    ? ` (import alone: +${(m.wall - base.wall).toFixed(0)} ms wall, +${(m.cpu - base.cpu).toFixed(0)} ms CPU, +${(m.rss - base.rss).toFixed(1)} MB)`
    : "";
  console.log(
    `${label.padEnd(34)} ${m.wall.toFixed(0).padStart(5)} ms wall ${m.cpu.toFixed(0).padStart(5)} ms CPU ${m.rss.toFixed(1).padStart(6)} MB peak RSS${extra}`,
  );
  return m;
}

const dist = pathToFileURL(resolve(root, "dist/index.js")).href;
console.log(
  `median of ${RUNS} fresh processes each; load average ${loadavg()[0]!.toFixed(1)} (Node ${process.version})`,
);
const bare = row("node, nothing imported", ["-e", "0"]);
row('import("rulers")', ["-e", `await import(${JSON.stringify(dist)})`], bare);
row("rulers --help", ["bin/rulers.js", "--help"], bare);
