/**
 * A real LSP client for tests: spawns `rulers lsp` from source over stdio and talks to it with
 * vscode-languageserver-protocol, the library editors' clients are built on.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";

export const uriOf = (path: string): string => pathToFileURL(path).href;

export class LspClient {
  readonly conn: ProtocolConnection;
  private readonly child: ChildProcess;
  private readonly published = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: { uri: string; version: number | undefined; resolve: (d: Diagnostic[]) => void }[] = [];
  readonly logs: string[] = [];
  readonly exited: Promise<number | null>;
  private versions = new Map<string, number>();

  constructor(args: string[] = ["--debounce", "0"]) {
    this.child = spawn(process.execPath, ["--import", "tsx", "tests/helpers/cli-entry.ts", "lsp", ...args], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stderr!.on("data", (d) => this.logs.push(String(d)));
    this.exited = new Promise((r) => this.child.on("exit", (code) => r(code)));
    this.conn = createProtocolConnection(
      new StreamMessageReader(this.child.stdout!),
      new StreamMessageWriter(this.child.stdin!),
    );
    this.conn.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      this.published.set(p.uri, p);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && (w.version === undefined || p.version === w.version)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p.diagnostics);
        }
      }
    });
    this.conn.onNotification("window/logMessage", (p: { message: string }) => {
      this.logs.push(p.message);
    });
    this.conn.listen();
  }

  async initialize(): Promise<Record<string, unknown>> {
    const r = (await this.conn.sendRequest("initialize", {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
    })) as { capabilities: Record<string, unknown> };
    await this.conn.sendNotification("initialized", {});
    return r.capabilities;
  }

  /** Diagnostics published for `uri` at `version` (or the next ones published, without a version). */
  diagnostics(uri: string, version?: number): Promise<Diagnostic[]> {
    const p = this.published.get(uri);
    if (p && version !== undefined && p.version === version) return Promise.resolve(p.diagnostics);
    return new Promise((resolve) => this.waiters.push({ uri, version, resolve }));
  }

  async open(uri: string, text: string): Promise<Diagnostic[]> {
    this.versions.set(uri, 1);
    const waiting = this.diagnostics(uri, 1);
    await this.conn.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "rubric", version: 1, text },
    });
    return waiting;
  }

  /** Replaces the whole text (a full-document change); resolves with the new diagnostics. */
  async change(uri: string, text: string): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const waiting = this.diagnostics(uri, version);
    await this.conn.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return waiting;
  }

  /** An incremental edit: replace `[start, end)` (line/character) with `text`. */
  async edit(
    uri: string,
    range: { start: { line: number; character: number }; end: { line: number; character: number } },
    text: string,
  ): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const waiting = this.diagnostics(uri, version);
    await this.conn.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    });
    return waiting;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  /** Closes the server's stdin, as a crashed editor would. */
  endInput(): void {
    this.child.stdin!.end();
  }

  async close(): Promise<number | null> {
    try {
      await this.conn.sendRequest("shutdown");
      await this.conn.sendNotification("exit");
    } catch {
      // Already gone: the exit code below says how.
    }
    const code = await Promise.race([this.exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 5000))]);
    if (code === "timeout") {
      this.child.kill();
      return null;
    }
    this.conn.dispose();
    return code;
  }
}

/** Line/character of the `nth` occurrence of `needle` in `text`, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0, nth = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`\`${needle}\` not found`);
  }
  const offset = at + delta;
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}
