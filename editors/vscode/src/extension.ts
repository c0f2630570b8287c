// Starts `asl-lint server` for Amazon States Language documents and restarts it when its
// path setting changes. All language features come from the server.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

const selector = [
  { scheme: "file", language: "asl" },
  { scheme: "untitled", language: "asl" },
  { scheme: "file", language: "asl-yaml" },
  { scheme: "untitled", language: "asl-yaml" },
  // *.asl.json files a user keeps in the JSON language (for the JSON schema) too.
  { scheme: "file", language: "json", pattern: "**/*.asl.json" },
  { scheme: "file", language: "yaml", pattern: "**/*.asl.{yaml,yml}" },
];

function serverPath(): string {
  const configured = vscode.workspace.getConfiguration("aslLint").get<string>("path");
  return configured && configured.trim() !== "" ? configured : "asl-lint";
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const command = serverPath();
  const serverOptions: ServerOptions = {
    run: { command, args: ["server"], transport: TransportKind.stdio },
    debug: { command, args: ["server"], transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: selector,
    outputChannelName: "asl-lint",
  };
  client = new LanguageClient("aslLint", "asl-lint", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(
      `asl-lint: cannot start \`${command} server\` (${message}). Set "aslLint.path" to the asl-lint executable.`
    );
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  if (client) {
    const old = client;
    client = undefined;
    await old.stop().catch(() => undefined);
  }
  await start(context);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("aslLint.restartServer", () => restart(context)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("aslLint.path")) {
        void restart(context);
      }
    })
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
