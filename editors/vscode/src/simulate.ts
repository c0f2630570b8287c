// "asl-lint: Simulate this state machine": runs `asl-lint simulate` on the active document
// (or the one whose "Simulate" code lens was clicked, with its state machine; from the
// "Simulate from" code action, starting at that top-level state)
// (the file itself when it is saved, so that the files a template or Terraform file reads
// are found beside it; else a copy of its text as it is in the editor) with an input typed
// in or read from a file, and mocked task results from `aslLint.simulate.mockConfig` (AWS
// Step Functions Local format) and `aslLint.simulate.mockDefault` (for every other Task). When the file holds several state machines, the one to run
// is picked from the list asl-lint gives. The path taken, each state's input and output and
// the result go to the "asl-lint simulate" output channel.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import { Target, targetDocument } from "./target";

let channel: vscode.OutputChannel | undefined;
let lastInput = "{}";
let lastTestCase = "";

export async function simulate(
  executable: string,
  isAsl: (doc: vscode.TextDocument) => boolean,
  target?: Target,
  startAt?: string
): Promise<void> {
  const document = await targetDocument(target, isAsl);
  if (!document) {
    return;
  }
  const input = await vscode.window.showInputBox({
    title: startAt
      ? `Input of "${startAt}" (JSON), or @path/to/input.json`
      : "Execution input (JSON), or @path/to/input.json",
    value: lastInput,
    validateInput: (v) => (v.trim().startsWith("@") || isJson(v) ? undefined : "not valid JSON"),
  });
  if (input === undefined) {
    return;
  }
  lastInput = input;
  const settings = vscode.workspace.getConfiguration("aslLint.simulate");
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? path.dirname(document.uri.fsPath);
  const args = ["simulate"];
  // The saved file where it is; else the text as edited, in a temporary copy with the same
  // name, so the format is known.
  let dir: string | undefined;
  let file = document.uri.fsPath;
  if (document.isDirty || document.isUntitled || document.uri.scheme !== "file") {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "asl-lint-"));
    file = path.join(dir, path.basename(document.uri.fsPath) || "definition.asl.json");
    fs.writeFileSync(file, document.getText());
  }
  args.push(file);
  if (target?.machine) {
    args.push("--definition", target.machine);
  }
  if (startAt) {
    args.push("--start-at", startAt);
  }
  const trimmed = input.trim();
  args.push("--input", trimmed.startsWith("@") ? path.resolve(folder, trimmed.slice(1)) : "-");
  const mocks = settings.get<string>("mockConfig", "");
  if (mocks) {
    args.push("--mock-config", path.resolve(folder, mocks));
    const testCase = await vscode.window.showInputBox({
      title: "Test case in the mock config (empty: none)",
      value: lastTestCase,
    });
    if (testCase === undefined) {
      return;
    }
    lastTestCase = testCase;
    if (testCase.trim() !== "") {
      args.push("--test-case", testCase.trim());
    }
  }
  const mockDefault = settings.get<string>("mockDefault", "").trim();
  if (mockDefault) {
    args.push("--mock-default", mockDefault);
  }
  channel ??= vscode.window.createOutputChannel("asl-lint simulate");
  channel.clear();
  channel.show(true);
  const stdin = trimmed.startsWith("@") ? undefined : trimmed;
  try {
    let run = await execute(executable, args, folder, stdin);
    // Several state machines in a template or Terraform file: pick one and run again.
    const names = machineNames(run.stderr);
    if (names) {
      const picked = await vscode.window.showQuickPick(names, { title: "State machine to simulate" });
      if (picked === undefined) {
        channel.append(run.stderr);
        return;
      }
      args.push("--definition", picked);
      run = await execute(executable, args, folder, stdin);
    }
    channel.append(run.stdout);
    channel.append(run.stderr);
    // The same run drawn over the state graph, offered beside the result.
    const result = run.stdout.trimEnd().split("\n").pop() ?? "";
    if (/^(SUCCEEDED|FAILED|TIMED_OUT)/.test(result)) {
      const drawn = await execute(executable, [...args, "--format", "svg"], folder, stdin, false);
      const summary = result.length > 140 ? result.slice(0, 140) + "…" : result;
      if (drawn.stdout.startsWith("<svg")) {
        void vscode.window.showInformationMessage(summary, "Show on graph").then((pick) => {
          if (pick) {
            showRun(path.basename(document.uri.fsPath), drawn.stdout);
          }
        });
      }
    }
  } finally {
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

interface Run {
  stdout: string;
  stderr: string;
}

// Runs asl-lint, echoing the command line to the channel; a failure to start it is
// reported there too.
function execute(
  executable: string,
  args: string[],
  cwd: string,
  stdin: string | undefined,
  echo = true
): Promise<Run> {
  if (echo) {
    channel?.appendLine(`$ asl-lint ${args.map((a) => (a.includes(" ") ? JSON.stringify(a) : a)).join(" ")}`);
  }
  return new Promise((resolve) => {
    const child = execFile(executable, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code === "string") {
        channel?.appendLine(`cannot run ${executable}: ${err.message}. Set "aslLint.path" to the asl-lint executable.`);
      }
      resolve({ stdout, stderr });
    });
    if (stdin !== undefined) {
      child.stdin?.end(stdin);
    }
  });
}

// A run drawn over the state graph (`simulate --format svg`: visited states filled by how
// they ended, the transitions taken in bold), in a panel of its own.
function showRun(name: string, svg: string): void {
  const panel = vscode.window.createWebviewPanel("aslLintRun", `Run: ${name}`, vscode.ViewColumn.Beside, {
    enableScripts: false,
  });
  panel.webview.html = `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>body { margin: 0; padding: 8px; background: #fafbfc; }</style></head>
<body>${svg}</body></html>`;
}

// The state machines asl-lint lists when it needs `--definition` to choose one.
export function machineNames(stderr: string): string[] | undefined {
  if (!stderr.includes("choose one with --definition NAME")) {
    return undefined;
  }
  const m = /the state machines are: (.+)$/m.exec(stderr);
  return m ? m[1].split(", ").map((n) => n.trim()).filter((n) => n !== "") : undefined;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
