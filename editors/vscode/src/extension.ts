// Starts `asl-lint server` for Amazon States Language documents (and the templates and
// Terraform files that hold state machines) and restarts it when its path setting changes. All language features come from the server.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { GraphPanel } from "./graph";
import { Target } from "./target";
import { simulate } from "./simulate";

let client: LanguageClient | undefined;

const baseSelector = [
  { scheme: "file", language: "asl" },
  { scheme: "untitled", language: "asl" },
  { scheme: "file", language: "asl-yaml" },
  { scheme: "untitled", language: "asl-yaml" },
  // *.asl.json files a user keeps in the JSON language (for the JSON schema) too.
  { scheme: "file", language: "json", pattern: "**/*.asl.json" },
  { scheme: "file", language: "yaml", pattern: "**/*.asl.{yaml,yml}" },
  // Terraform: the state machines of `aws_sfn_state_machine` resources and step-functions
  // modules. By language where a Terraform extension gives one, by name where none is
  // installed (the file is then plain text).
  // OpenTofu's *.tofu files are HCL too; *.tf.json is Terraform's JSON syntax.
  { scheme: "file", language: "terraform" },
  { scheme: "untitled", language: "terraform" },
  { scheme: "file", language: "opentofu" },
  { scheme: "file", pattern: "**/*.{tf,tofu,tf.json}" },
];

// Templates holding state machine definitions (`aslLint.templates`), in whatever
// language VS Code gives them.
function selector(): { scheme: string; language?: string; pattern?: string }[] {
  const templates = vscode.workspace
    .getConfiguration("aslLint")
    .get<string[]>("templates", []);
  return [...baseSelector, ...templates.map((pattern) => ({ scheme: "file", pattern }))];
}

// The settings the server reads (the `aslLint` section without the editor-only keys).
function serverSettings(): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration("aslLint");
  return {
    select: c.get<string[]>("select", []),
    ignore: c.get<string[]>("ignore", []),
    severity: c.get<Record<string, string>>("severity", {}),
    useConfigFile: c.get<boolean>("useConfigFile", true),
    configFile: c.get<string>("configFile", ""),
  };
}

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
    documentSelector: selector(),
    outputChannelName: "asl-lint",
    // The commands this extension runs for the server's code lenses ("Show graph" and
    // "Simulate" above each state machine).
    initializationOptions: { aslLint: serverSettings(), clientCommands: ["aslLint.showGraph", "aslLint.simulate"] },
    synchronize: {
      // Sends workspace/didChangeConfiguration when aslLint.* changes (the server also
      // pulls the section with workspace/configuration).
      configurationSection: "aslLint",
      // Re-lint open documents when a configuration file changes.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{asl-lint.toml,.asl-lint.toml}"),
    },
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

// The document and state machine a code lens names, if the command came from one.
function target(uri: unknown, machine: unknown): Target | undefined {
  if (typeof uri !== "string") {
    return undefined;
  }
  return { uri: vscode.Uri.parse(uri), machine: typeof machine === "string" ? machine : undefined };
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("aslLint.restartServer", () => restart(context)),
    // From the palette: the active editor. From a code lens: the document's URI and the
    // state machine's name (null in a definition file). From the "Simulate from" code
    // action, also the top-level state to start at.
    vscode.commands.registerCommand(
      "aslLint.simulate",
      (uri?: string, machine?: string | null, startAt?: string) =>
        simulate(
          serverPath(),
          (doc) => vscode.languages.match(selector(), doc) > 0,
          target(uri, machine),
          startAt
        )
    ),
    vscode.commands.registerCommand("aslLint.showGraph", (uri?: string, machine?: string | null) =>
      GraphPanel.show(
        () => client,
        (doc) => vscode.languages.match(selector(), doc) > 0,
        target(uri, machine)
      )
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("aslLint.path") || e.affectsConfiguration("aslLint.templates")) {
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
