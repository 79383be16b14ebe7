/**
 * A fitted calibrator is a hashed artefact like a bundle: `{hash, body}` with the hash over the
 * canonical body. The body names the bundle and judge model it was fitted for, the method, the
 * human scale, the fit data's hash and size, and the map; applying it to records from another
 * bundle or model is refused unless forced.
 */
import { readFileSync } from "node:fs";
import { contentHash, prettyCanonicalJson } from "../util/canonical.js";
import { errnoOf } from "../util/errors.js";
import { type HumanScale, snap } from "./categories.js";
import { DataError, type FeatureSet, featuresOf, type Joined } from "./data.js";
import { fitLinear, type LinearModel, predictLinear } from "./linear.js";
import { applyMap, type CalibrationMap, fitIsotonic, fitOt, fitThresholds, type Pair } from "./maps.js";

export const CALIBRATOR_FORMAT = "rulers-calibrator/1";
export type Method = "ot" | "isotonic" | "thresholds";
export const METHODS: readonly Method[] = ["ot", "isotonic", "thresholds"];

export interface CalibratorBody {
  readonly format: string;
  readonly bundle: { readonly id: string; readonly version: string; readonly hash: string };
  readonly judge_model: string | string[];
  readonly method: Method;
  readonly human_scale: HumanScale;
  readonly features: FeatureSet[];
  readonly linear: LinearModel | null;
  readonly fit: { readonly n: number; readonly data_sha256: string };
  readonly map: CalibrationMap;
}

export interface Calibrator {
  readonly hash: string;
  readonly body: CalibratorBody;
}

/**
 * Fewer pairs than this cannot place a map with any confidence. A monotone map needs a handful
 * of points whatever the scale; cut points need several items per category to be placed.
 */
export function minimumPairs(method: Method, scale: HumanScale): number {
  const k = Math.round((scale.max - scale.min) / scale.step) + 1;
  return method === "thresholds" ? Math.max(20, 5 * k) : 10;
}

function identity(j: Joined): { bundle: CalibratorBody["bundle"]; model: string | string[] } {
  return identityOf(j.item.record);
}

/** Bundle and judge model of a record, the same way when fitting and when checking. */
function identityOf(r: Record<string, unknown>): { bundle: CalibratorBody["bundle"]; model: string | string[] } {
  const b = (r.bundle ?? {}) as { id?: string; version?: string; hash?: string };
  const model = (r.judge as { model?: string | string[] } | undefined)?.model ?? "unknown";
  return { bundle: { id: b.id ?? "", version: b.version ?? "", hash: b.hash ?? "" }, model };
}

export function inputOf(body: Pick<CalibratorBody, "features" | "linear">, record: Record<string, unknown>): number {
  const raw = record.raw_score as number;
  if (!body.linear) return raw;
  const [names, values] = featuresOf(record, body.features);
  const row = body.linear.names.map((n) => (n === "raw_score" ? raw : (values[names.indexOf(n)] ?? 0)));
  return predictLinear(body.linear, row);
}

export function fitCalibrator(
  data: readonly Joined[],
  method: Method,
  scale: HumanScale,
  features: readonly FeatureSet[] = [],
): Calibrator {
  const need = minimumPairs(method, scale);
  if (data.length < need)
    throw new DataError(
      `${data.length} labelled pairs are too few to fit \`${method}\` on a ${Math.round((scale.max - scale.min) / scale.step) + 1}-category scale; at least ${need} are needed`,
    );
  const first = identity(data[0]!);
  for (const d of data) {
    const id = identity(d);
    if (id.bundle.hash !== first.bundle.hash)
      throw new DataError(
        `the run mixes bundles (${first.bundle.hash} and ${id.bundle.hash}); calibrate one bundle at a time`,
      );
  }
  for (const d of data) {
    if (snap(scale, d.label) !== d.label || d.label < scale.min || d.label > scale.max) {
      throw new DataError(
        `label ${d.label} of \`${d.item.item_id}\` is not on the human scale ${scale.min}..${scale.max} step ${scale.step}`,
      );
    }
  }
  let linear: LinearModel | null = null;
  if (features.length) {
    const rows = data.map((d) => {
      const [names, values] = featuresOf(d.item.record, features);
      return { names: ["raw_score", ...names], values: [d.item.record.raw_score as number, ...values] };
    });
    const names = [...new Set(rows.flatMap((r) => r.names))];
    const matrix = rows.map((r) => names.map((n) => r.values[r.names.indexOf(n)] ?? 0));
    linear = fitLinear(
      names,
      matrix,
      data.map((d) => d.label),
    );
  }
  const pairs: Pair[] = data.map((d) => ({
    x: inputOf({ features: [...features], linear }, d.item.record),
    y: d.label,
  }));
  const map = method === "ot" ? fitOt(pairs) : method === "isotonic" ? fitIsotonic(pairs) : fitThresholds(pairs, scale);
  const fitData = data
    .map((d) => [d.item.item_id, d.item.record.raw_score as number, d.label] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const body: CalibratorBody = {
    format: CALIBRATOR_FORMAT,
    bundle: first.bundle,
    judge_model: first.model,
    method,
    human_scale: scale,
    features: [...features],
    linear,
    fit: { n: data.length, data_sha256: contentHash(fitData).slice("sha256:".length) },
    map,
  };
  return { hash: contentHash(body), body };
}

export function calibrate(cal: Calibrator, record: Record<string, unknown>): number {
  return applyMap(cal.body.map, inputOf(cal.body, record), cal.body.human_scale);
}

/** Refuse records from another bundle or judge model, unless the user forces it. */
export function checkCompatible(cal: Calibrator, record: Record<string, unknown>): string | null {
  const { bundle, model } = identityOf(record);
  if (bundle.hash !== cal.body.bundle.hash)
    return `the calibrator was fitted for bundle ${cal.body.bundle.hash || "(none)"} but the run used ${bundle.hash || "an unknown bundle"}`;
  if (JSON.stringify(model) !== JSON.stringify(cal.body.judge_model))
    return `the calibrator was fitted for judge ${JSON.stringify(cal.body.judge_model)} but the run used ${JSON.stringify(model)}`;
  return null;
}

export function serializeCalibrator(cal: Calibrator): string {
  return prettyCanonicalJson(cal);
}

export function readCalibrator(path: string): Calibrator {
  let json: Calibrator;
  try {
    json = JSON.parse(readFileSync(path, "utf8")) as Calibrator;
  } catch (err) {
    throw new DataError(`cannot read calibrator \`${path}\` (${errnoOf(err) ?? (err as Error).message})`);
  }
  if (!json || typeof json !== "object" || json.body?.format !== CALIBRATOR_FORMAT)
    throw new DataError(`\`${path}\` is not a rulers calibrator`);
  if (contentHash(json.body) !== json.hash)
    throw new DataError(`\`${path}\` was altered after fitting (its content does not match ${json.hash})`);
  return json;
}
