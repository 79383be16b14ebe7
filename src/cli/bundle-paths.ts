import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { CliError } from "./io.js";

/** Expand arguments into bundle.json paths: files as given, directories searched, sorted. */
export function findBundles(args: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name === "bundle.json") out.push(p);
    }
  };
  for (const a of args) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(a);
    } catch {
      throw new CliError(`\`${a}\`: no such file or directory`);
    }
    if (st.isDirectory()) walk(a);
    else out.push(a);
  }
  return out;
}
