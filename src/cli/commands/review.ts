import { dirname, join } from "node:path";
import { ReviewError, type ReviewScale, ReviewSession, RowLines, startReviewServer } from "../../review/index.js";
import { formatOf, RowsError } from "../../rows/index.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";
import { openInput, ROW_HELP, ROW_OPTIONS } from "../row-options.js";

const HELP = `usage: rulers review --run run.jsonl --input rows.jsonl|.csv|.tsv|.parquet [--labels labels.jsonl]
                     [--rater NAME] [--bundle bundle.json] [--port N] [--input-format F] [--map FIELD=COLUMN]…

A local web app for human labels. It shows each item with the judge's verdicts, levels,
rationales and quotes highlighted in the judged text, and records your label (on the run's
scale; A / B / tie for pairwise runs), optional per-criterion overrides and a comment.
Keyboard: j / k next and previous, number keys label, u clears, c comments. Orders: run,
random, stratified by judge score, disagreements first, unlabelled only.

Every label is appended to <labels>.journal and fsynced the moment it is entered, and the
labels file is rewritten atomically from it: a crash or a closed tab loses nothing. One
reviewer per labels file (a lock file refuses a second); give each rater their own file with
--rater (default file labels.<rater>.jsonl beside the run) and compare them with
\`rulers agree --labels A --against B\`. Listens on 127.0.0.1 only, on a random port unless
--port, with a token in the printed URL; stop with Ctrl-C.

The rows (--input) are the file the run judged, in any rows format. JSONL is indexed in place
and read item by item; CSV, TSV and Parquet (or any file with --map) are read once before the
app opens, kept in memory, and a row that cannot be read is named by its number and left out.
${ROW_HELP}`;

/** The bundle module (and its compiler) loads only with `--bundle`: the app opens faster without. */
async function bundleInfo(path: string): Promise<{
  scale: ReviewScale | undefined;
  criteria: Map<string, { title: string; kind: string; levels: string[] }>;
}> {
  const { readBundle } = await import("../../bundle/index.js");
  const body = readBundle(path).body as unknown as {
    rubric?: {
      mode?: { kind?: string };
      scale?: { kind?: string; min?: number; max?: number; step?: number };
      criteria?: {
        id: string;
        title?: string;
        kind?: string;
        levels?: ({ value?: number | string; id?: string } | string)[];
      }[];
    };
  };
  const r = body.rubric ?? {};
  const s = r.scale;
  const scale: ReviewScale | undefined =
    r.mode?.kind === "pairwise"
      ? { kind: "pairwise" }
      : s?.kind === "numeric" && typeof s.min === "number" && typeof s.max === "number" && typeof s.step === "number"
        ? { kind: "numeric", min: s.min, max: s.max, step: s.step }
        : undefined;
  const criteria = new Map(
    (r.criteria ?? []).map((c) => [
      c.id,
      {
        title: c.title ?? "",
        kind: c.kind ?? "",
        levels: (c.levels ?? []).map((l) => (typeof l === "string" ? l : String(l.value ?? l.id ?? ""))),
      },
    ]),
  );
  return { scale, criteria };
}

export const command: Command = {
  summary: "a local web app to label items and gather the human labels calibration needs",
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        run: { type: "string" },
        input: { type: "string" },
        ...ROW_OPTIONS,
        labels: { type: "string" },
        rater: { type: "string" },
        bundle: { type: "string" },
        port: { type: "string" },
      },
      HELP,
    );
    if (!values.run || !values.input) throw new CliError(`\`--run\` and \`--input\` are required\n${HELP}`);
    const rater = values.rater ?? process.env.USER ?? "reviewer";
    if (!/^[\w.@-]{1,64}$/.test(rater))
      throw new CliError(`rater \`${rater}\` must be letters, digits, . _ @ or - (up to 64)`);
    const labels = values.labels ?? join(dirname(values.run), values.rater ? `labels.${rater}.jsonl` : "labels.jsonl");
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError("`--port` must be 0..65535");
    // The review app indexes JSONL in place by offset; other formats (or renamed columns) are
    // read once through the row source judge reads, rows named by their own numbers.
    let rows: RowLines | undefined;
    if (formatOf(values.input, values["input-format"]) !== "jsonl" || values.map) {
      const source = await openInput(values.input, values);
      try {
        rows = await RowLines.read(source, (m) => writeErr(`warning: ${m}`));
      } catch (err) {
        if (err instanceof RowsError) throw new CliError(err.message);
        throw err;
      }
    }
    let session: ReviewSession;
    try {
      const info = values.bundle ? await bundleInfo(values.bundle) : null;
      session = ReviewSession.begin({
        run: values.run,
        input: values.input,
        ...(rows ? { rows } : {}),
        labels,
        rater,
        ...(info?.scale ? { scale: info.scale } : {}),
        ...(info ? { criteria: info.criteria } : {}),
      });
      session.start();
    } catch (err) {
      if (err instanceof ReviewError || (err as Error).name === "BundleError")
        throw new CliError((err as Error).message);
      throw err;
    }
    for (const w of session.warnings) writeErr(`warning: ${w}`);
    const server = await startReviewServer(session, { port, onError: (m) => writeErr(`error: ${m}`) });
    session.noteUrl(server.url);
    const m = session.meta();
    writeOut(
      `reviewing ${values.run} as \`${rater}\`: ${m.labelled} labelled so far, saving to ${labels}` +
        (session.indexed ? ` (${m.total} items)` : "; indexing the rest while you work"),
    );
    writeOut(`open ${server.url}`);
    const t0 = performance.now();
    session.indexInBackground().then(
      () => writeOut(`indexed ${session.items.length} items in ${((performance.now() - t0) / 1000).toFixed(1)} s`),
      (err: Error) =>
        writeErr(`error: ${err.message}; the app shows the items indexed so far but takes no more labels`),
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await server.close();
    session.close();
    writeOut(`stopped; ${session.labelled} labels in ${labels}`);
    return session.failure ? 1 : 0;
  },
};
