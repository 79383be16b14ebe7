import {
  DataError,
  FEATURE_SETS,
  type FeatureSet,
  type HumanScale,
  inferScale,
  type Joined,
  METHODS,
  type Method,
  parseScale,
} from "../calibrate/index.js";
import { CliError } from "./io.js";

export function methodFlag(v: string | undefined, fallback?: Method): Method {
  if (v === undefined && fallback) return fallback;
  if (!METHODS.includes(v as Method))
    throw new CliError(`\`--method\` must be one of ${METHODS.join(", ")}, got \`${v ?? ""}\``);
  return v as Method;
}

export function featuresFlag(v: string | undefined): FeatureSet[] {
  if (!v) return [];
  const list = v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const f of list)
    if (!FEATURE_SETS.includes(f as FeatureSet))
      throw new CliError(`unknown feature \`${f}\`; use ${FEATURE_SETS.join(", ")}`);
  return list as FeatureSet[];
}

export function scaleFlag(v: string | undefined, data: readonly Joined[]): HumanScale {
  try {
    return v ? parseScale(v) : inferScale(data.map((d) => d.label));
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** Turn the calibrate module's data errors into one-line CLI errors. */
export async function guard<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof DataError) throw new CliError(err.message);
    throw err;
  }
}
