/**
 * `--map field=column`: the row field a bundle reads (an input, `id`, a template's criteria)
 * taken from a column of another name. Unmapped columns pass through under their own names, so
 * fields other stages read (slices, labels) are still there.
 */
import { suggest } from "../util/suggest.js";
import { RowsError } from "./errors.js";

/** field → column. */
export type ColumnMap = ReadonlyMap<string, string>;

/** `field=column` specs (or an object) as a map; a field named twice is refused. */
export function parseColumnMap(specs: readonly string[] | Readonly<Record<string, string>> | undefined): ColumnMap {
  const map = new Map<string, string>();
  if (specs === undefined) return map;
  const pairs: [string, string][] = Array.isArray(specs)
    ? specs.map((s: string) => {
        const eq = s.indexOf("=");
        const field = eq < 0 ? "" : s.slice(0, eq).trim();
        const column = eq < 0 ? "" : s.slice(eq + 1).trim();
        if (!field || !column)
          throw new RowsError(`\`--map ${s}\` must be field=column, e.g. response=answer`, "usage");
        return [field, column];
      })
    : Object.entries(specs as Readonly<Record<string, string>>);
  for (const [field, column] of pairs) {
    if (map.has(field))
      throw new RowsError(`\`${field}\` is mapped twice (from \`${map.get(field)}\` and \`${column}\`)`, "usage");
    map.set(field, column);
  }
  return map;
}

export function listColumns(columns: readonly string[]): string {
  return columns.length ? columns.map((c) => `\`${c}\``).join(", ") : "none";
}

/** Every mapped column must exist in a file whose columns are known up front. */
export function checkMappedColumns(map: ColumnMap, columns: readonly string[], file: string): void {
  const have = new Set(columns);
  for (const [field, column] of map) {
    if (!have.has(column))
      throw new RowsError(
        `\`--map ${field}=${column}\`: \`${file}\` has no column \`${column}\`; its columns are ${listColumns(columns)}${suggest(column, columns)}`,
      );
  }
}

/**
 * The row as the bundle sees it. Returns the name of a mapped column the row lacks (JSONL rows
 * have no header, so this is checked row by row), or the row.
 */
export function applyColumnMap(
  row: Record<string, unknown>,
  map: ColumnMap,
): { row: Record<string, unknown> } | { missing: string; field: string } {
  if (map.size === 0) return { row };
  const out: Record<string, unknown> = {};
  const moved = new Set(map.values());
  for (const key of Object.keys(row)) if (!moved.has(key) || map.has(key)) out[key] = row[key];
  for (const [field, column] of map) {
    if (!Object.hasOwn(row, column)) return { missing: column, field };
    out[field] = row[column];
  }
  return { row: out };
}
