/**
 * The VS Code side of rulers: starts `rulers lsp` (the project's own language server) and adds
 * commands that run the CLI on the open rubric. Everything about the language itself lives in
 * the server; this file only finds the executable and wires editor events to it.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import * as vscode from "vscode";
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from "vscode-languageclient/node";

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;

/** The configured executable, else the workspace's own install, else `rulers` on PATH. */
function rulersExecutable(): string {
  const configured = vscode.workspace.getConfiguration("rulers").get<string>("command", "").trim();
  if (configured) return configured;
  const bin = process.platform === "win32" ? "rulers.cmd" : "rulers";
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const local = join(folder.uri.fsPath, "node_modules", ".bin", bin);
    if (existsSync(local)) return local;
  }
  return "rulers";
}

function startClient(context: vscode.ExtensionContext): LanguageClient {
  const command = rulersExecutable();
  const serverOptions: ServerOptions = { command, args: ["lsp"], transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "rubric" },
      { scheme: "untitled", language: "rubric" },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.rubric") },
    initializationOptions: {
      debounceMs: vscode.workspace.getConfiguration("rulers").get<number>("diagnosticsDelay", 20),
    },
    outputChannel: output,
  };
  const c = new LanguageClient("rulers", "Rulers", serverOptions, clientOptions);
  c.start().catch((err: unknown) => {
    void vscode.window.showErrorMessage(
      `Rulers: could not start \`${command} lsp\` (${err instanceof Error ? err.message : String(err)}). ` +
        "Install rulers in the workspace or set `rulers.command`.",
    );
  });
  context.subscriptions.push(c);
  return c;
}

/** Runs `rulers <args>` beside the file, shows its output, and says how it ended. */
function runCli(args: string[], cwd: string, what: string): Promise<void> {
  const command = rulersExecutable();
  output.appendLine(`$ rulers ${args.join(" ")}`);
  output.show(true);
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (stdout) output.append(stdout);
      if (stderr) output.append(stderr);
      const code = err ? ((err as { code?: number | string }).code ?? 1) : 0;
      if (code === 0) void vscode.window.showInformationMessage(`Rulers: ${what} succeeded`);
      else void vscode.window.showErrorMessage(`Rulers: ${what} failed (see the Rulers output)`);
      resolve();
    });
  });
}

/** The open rubric, saved first: the CLI reads the file on disk. */
async function activeRubric(): Promise<vscode.TextDocument | undefined> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== "rubric" || doc.isUntitled) {
    void vscode.window.showWarningMessage("Rulers: open a saved .rubric file first");
    return undefined;
  }
  if (doc.isDirty && !(await doc.save())) return undefined;
  return doc;
}

const folderOf = (doc: vscode.TextDocument) =>
  vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? dirname(doc.uri.fsPath);

export function activate(context: vscode.ExtensionContext): void {
  output = vscode.window.createOutputChannel("Rulers", { log: true });
  context.subscriptions.push(output);
  client = startClient(context);
  context.subscriptions.push(
    vscode.commands.registerCommand("rulers.compile", async () => {
      const doc = await activeRubric();
      if (doc) await runCli(["compile", doc.uri.fsPath], folderOf(doc), `compile ${basename(doc.uri.fsPath)}`);
    }),
    vscode.commands.registerCommand("rulers.verify", async () => {
      const doc = vscode.window.activeTextEditor?.document;
      const cwd = doc ? folderOf(doc) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      if (!cwd) return void vscode.window.showWarningMessage("Rulers: open a folder with bundles first");
      await runCli(["verify"], cwd, "verify");
    }),
    vscode.commands.registerCommand("rulers.diff", async () => {
      const doc = await activeRubric();
      if (!doc) return;
      const [other] =
        (await vscode.window.showOpenDialog({
          title: "The version to compare against",
          defaultUri: vscode.Uri.file(dirname(doc.uri.fsPath)),
          filters: { "Rubrics and bundles": ["rubric", "json"] },
        })) ?? [];
      if (other) await runCli(["diff", other.fsPath, doc.uri.fsPath], folderOf(doc), "diff");
    }),
    vscode.commands.registerCommand("rulers.restartServer", async () => {
      if (client) await client.dispose();
      client = startClient(context);
    }),
  );
}

export async function deactivate(): Promise<void> {
  await client?.dispose();
}
