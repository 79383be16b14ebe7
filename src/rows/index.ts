export { CELL_DECODERS, decodeCell } from "./decode.js";
export { RowsError } from "./errors.js";
export { type NeededField, neededFields } from "./fields.js";
export { formatOf, isRowFormat, ROW_FORMATS, type RowFormat } from "./format.js";
export { type ColumnMap, parseColumnMap } from "./map.js";
export type { RowLine } from "./reader.js";
export { type OpenRowsOptions, openRows, RowSource } from "./source.js";
