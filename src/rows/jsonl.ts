import { countRows, streamJsonl } from "../util/jsonl.js";
import type { Reader } from "./reader.js";

/** JSONL as before: one JSON object a line, numbered by line; no header, so no columns. */
export function openJsonl(path: string): Reader {
  const rows = streamJsonl(path);
  return {
    columns: null,
    textColumns: null,
    rows,
    count: (limit) => countRows(path, limit),
    close: async () => {
      await rows.return(undefined);
    },
  };
}
