/**
 * Cells of text formats (CSV, TSV, a Parquet string column) are strings. An input whose kind is
 * structured — a per-item criteria list today; a conversation once inputs have kinds — arrives
 * as JSON text in its cell and is decoded here, and only for the fields that ask for it, so a
 * text input that happens to look like JSON stays text.
 */

/** Decoders by field kind; a kind missing here is passed through as it is. */
export const CELL_DECODERS: Readonly<Record<string, (cell: string) => unknown>> = {
  text: (cell) => cell,
  json: (cell) => JSON.parse(cell),
};

/** Thrown for a cell its kind cannot decode; the reader turns it into a problem on that row. */
export class CellError extends Error {}

/** The value of a `kind` field held in `cell`: the identity for text. */
export function decodeCell(kind: string, cell: string): unknown {
  const decode = CELL_DECODERS[kind];
  if (!decode) return cell;
  try {
    return decode(cell);
  } catch (err) {
    throw new CellError(`is not valid JSON (${(err as Error).message})`);
  }
}
