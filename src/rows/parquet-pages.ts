/**
 * A row group without an offset index, read page by page. Nothing in such a file says where a
 * page starts except the page before it, so hyparquet reads the whole column chunk at once: a
 * writer's million-row group would be held whole, compressed bytes and decoded values. Here each
 * column chunk is read through a small window of the file, one page at a time (header, then
 * body), decoded with hyparquet's own page decoder, and rows leave in batches as soon as every
 * column has them. Memory follows the batch and the largest page, never the group.
 */
import type { FileHandle } from "node:fs/promises";
import type { Compressors, DecodedArray, FileMetaData, RowGroup, SchemaTree } from "hyparquet";

type Hyparquet = typeof import("hyparquet/src/column.js") &
  typeof import("hyparquet/src/convert.js") &
  typeof import("hyparquet/src/assemble.js") &
  typeof import("hyparquet/src/schema.js");
type ColumnDecoder = Parameters<Hyparquet["readPage"]>[2];

let loaded: Promise<Hyparquet> | undefined;
/** hyparquet's page-level functions (exported as `hyparquet/src/*.js`), loaded on first use. */
function pageFunctions(): Promise<Hyparquet> {
  loaded ??= Promise.all([
    import("hyparquet/src/column.js"),
    import("hyparquet/src/convert.js"),
    import("hyparquet/src/assemble.js"),
    import("hyparquet/src/schema.js"),
  ]).then(([column, convert, assemble, schema]) => ({ ...column, ...convert, ...assemble, ...schema }));
  return loaded;
}

/** Bytes read from the file at a time; a larger page is read whole, in one read. */
const WINDOW = 1 << 20;
/** A page header past this size is not a page header (statistics of huge values aside, headers are tiny). */
const MAX_HEADER = 64 << 20;

/** Sequential reads of one column chunk's bytes [start, end) through a window. */
class ChunkBytes {
  private buf = new Uint8Array(0);
  /** File offset of buf[0]. */
  private base: number;
  /** Index in buf of the next unread byte. */
  at = 0;

  constructor(
    private readonly fh: FileHandle,
    start: number,
    private readonly end: number,
  ) {
    this.base = start;
  }

  get remaining(): number {
    return this.end - (this.base + this.at);
  }

  get buffered(): number {
    return this.buf.length - this.at;
  }

  /** Makes at least `n` unread bytes (or all that remain) available from `at`. */
  async ensure(n: number): Promise<void> {
    const want = Math.min(n, this.remaining);
    if (this.buffered >= want) return;
    const size = Math.min(Math.max(want, WINDOW), this.remaining);
    const next = new Uint8Array(size);
    const kept = this.buffered;
    next.set(this.buf.subarray(this.at));
    let filled = kept;
    while (filled < size) {
      const { bytesRead } = await this.fh.read(
        next,
        filled,
        size - filled,
        this.base + this.buf.length + filled - kept,
      );
      if (bytesRead === 0)
        throw new Error(`the file ends inside a column chunk (at byte ${this.base + this.at + filled})`);
      filled += bytesRead;
    }
    this.base += this.at;
    this.buf = next;
    this.at = 0;
  }

  view(): DataView {
    return new DataView(this.buf.buffer, this.buf.byteOffset + this.at, this.buf.length - this.at);
  }
}

/** One physical (leaf) column of the group: its pages in, its rows out. */
class Leaf {
  readonly key: string;
  private dictionary: DecodedArray | undefined;
  /** Decoded rows not yet taken: whole chunks, the first from `head`. */
  private readonly chunks: DecodedArray[] = [];
  private head = 0;
  /** A repeated column's last row, which the next page may continue. */
  private open: unknown[] | undefined;
  ready = 0;
  done = false;

  constructor(
    private readonly hp: Hyparquet,
    private readonly bytes: ChunkBytes,
    private readonly decoder: ColumnDecoder,
    private readonly repeated: boolean,
  ) {
    this.key = decoder.pathInSchema.join(".");
  }

  /** Reads and decodes the next page; marks the column done at the end of its chunk. */
  async page(): Promise<void> {
    if (this.bytes.remaining <= 0) return this.finish();
    let want = Math.min(4096, this.bytes.remaining);
    let header: ReturnType<Hyparquet["parquetHeader"]>;
    for (;;) {
      await this.bytes.ensure(want);
      const reader = { view: this.bytes.view(), offset: 0 };
      try {
        header = this.hp.parquetHeader(reader);
        const size = reader.offset + header.compressed_page_size;
        if (reader.offset > this.bytes.buffered || !(header.compressed_page_size >= 0))
          throw new RangeError("page header runs past the bytes read");
        await this.bytes.ensure(size);
        break;
      } catch (err) {
        // A header cut off by the window's end: read more and parse again.
        if (this.bytes.buffered >= this.bytes.remaining || want >= MAX_HEADER) throw err;
        want *= 4;
      }
    }
    const reader = { view: this.bytes.view(), offset: 0 };
    this.hp.parquetHeader(reader);
    const previous = this.open ? [this.open] : undefined;
    const r = this.hp.readPage(reader, header, this.decoder, this.dictionary, previous, 0);
    this.bytes.at += reader.offset;
    if (header.type === "DICTIONARY_PAGE") {
      if (r.data) this.dictionary = this.hp.convert(r.data, this.decoder);
      return;
    }
    const data = r.data;
    if (!data || data.length === 0) return;
    if (!this.repeated) {
      this.chunks.push(data);
      this.ready += data.length;
      return;
    }
    // The page's last row may go on in the next page; it is ready once the next page starts a
    // new row, or the chunk ends. The open row handed in came back as the page's first.
    const rows = data as unknown[];
    this.open = rows.pop() as unknown[];
    if (rows.length) {
      this.chunks.push(rows);
      this.ready += rows.length;
    }
  }

  private finish(): void {
    if (this.open) {
      this.chunks.push([this.open]);
      this.ready++;
      this.open = undefined;
    }
    this.done = true;
  }

  /** The next `k` rows' values (k ≤ ready). */
  take(k: number): unknown[] {
    const out: unknown[] = new Array(k);
    let n = 0;
    while (n < k) {
      const c = this.chunks[0]!;
      const m = Math.min(k - n, c.length - this.head);
      for (let i = 0; i < m; i++) out[n + i] = c[this.head + i];
      n += m;
      this.head += m;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.ready -= k;
    return out;
  }
}

/**
 * The rows of row group `group` (columns `columns` only), `batch` at a time, each a record of
 * top-level column → decoded value (before conversion to JSON). Throws on a page that cannot
 * be read; the rows already yielded stand.
 */
export async function* pagedRowGroup(
  fh: FileHandle,
  metadata: FileMetaData,
  tree: SchemaTree,
  group: RowGroup,
  columns: readonly string[],
  compressors: Compressors,
  batch: number,
): AsyncGenerator<Record<string, unknown>[]> {
  const hp = await pageFunctions();
  const wanted = new Set(columns);
  const leaves: Leaf[] = [];
  for (const chunk of group.columns) {
    const meta = chunk.meta_data;
    if (!meta) throw new Error("a column chunk has no metadata");
    if (chunk.file_path) throw new Error(`a column chunk lives in another file (${chunk.file_path})`);
    if (!wanted.has(meta.path_in_schema[0]!)) continue;
    const schemaPath = hp.getTreePath(tree, meta.path_in_schema);
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
    const decoder: ColumnDecoder = {
      pathInSchema: meta.path_in_schema,
      type: meta.type,
      element: schemaPath[schemaPath.length - 1]!.element,
      schemaPath,
      codec: meta.codec,
      parsers: hp.DEFAULT_PARSERS,
      compressors,
    };
    const bytes = new ChunkBytes(fh, start, start + Number(meta.total_compressed_size));
    leaves.push(new Leaf(hp, bytes, decoder, hp.getMaxRepetitionLevel(schemaPath) > 0));
  }
  const tops = tree.children.filter((c) => wanted.has(c.element.name));
  const byTop = new Map(
    tops.map((t) => [t.element.name, leaves.filter((l) => l.key.split(".")[0] === t.element.name)]),
  );
  const total = Number(group.num_rows);
  let emitted = 0;
  const want = Math.max(1, batch);
  while (emitted < total) {
    for (const l of leaves) while (!l.done && l.ready < want) await l.page();
    const k = Math.min(want, total - emitted, ...leaves.map((l) => l.ready));
    if (k === 0) {
      const short = leaves.find((l) => l.done && l.ready === 0);
      throw new Error(
        `column \`${short?.key ?? "?"}\` ends after ${emitted} of the row group's ${total} rows (metadata: ${metadata.num_rows} rows in the file)`,
      );
    }
    const rows: Record<string, unknown>[] = Array.from({ length: k }, () => ({}));
    for (const t of tops) {
      const parts = byTop.get(t.element.name) ?? [];
      const name = t.element.name;
      let values: ArrayLike<unknown>;
      if (t.children.length === 0) values = parts[0]!.take(k);
      else {
        // A struct (or a list of structs) is put back together from its leaves, as hyparquet does.
        const sub = new Map<string, DecodedArray>();
        for (const p of parts) sub.set(p.key, p.take(k) as DecodedArray);
        hp.assembleNested(sub, t, hp.DEFAULT_PARSERS);
        values = sub.get(name) ?? [];
      }
      for (let i = 0; i < k; i++) rows[i]![name] = values[i];
    }
    emitted += k;
    yield rows;
  }
}
