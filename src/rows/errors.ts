import { RulersError } from "../util/errors.js";

/**
 * A rows file that cannot be read at all (no such file, not Parquet, a header with two columns
 * of one name, a mapped column that is not there). Problems with single rows are not errors:
 * they travel with the rows, by number, so the other rows are still judged.
 */
export class RowsError extends RulersError {
  constructor(message: string, code: "rows" | "usage" = "rows") {
    super(message, { code });
  }
}
