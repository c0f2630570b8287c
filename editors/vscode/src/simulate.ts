// "asl-lint: Simulate this state machine": runs `asl-lint simulate` on the active document
// (its text as it is in the editor, saved or not) with an input typed in or read from a
// file, and mocked task results from `aslLint.simulate.mockConfig` (AWS Step Functions
// Local format). The path taken, each state's input and output and the result go to the
// "asl-lint simulate" output channel.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";

let channel: vscode.OutputChannel | undefined;
let lastInput = "{}";
let lastTestCase = "";

export async function simulate(executable: string, isAsl: (doc: vscode.TextDocument) => boolean): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !isAsl(editor.document)) {
    void vscode.window.showInformationMessage("asl-lint: open a state machine definition or template first.");
    return;
  }
  const document = editor.document;
  const input = await vscode.window.showInputBox({
    title: "Execution input (JSON), or @path/to/input.json",
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
  // The text as edited: a temporary copy with the same name, so the format is known.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asl-lint-"));
  const file = path.join(dir, path.basename(document.uri.fsPath) || "definition.asl.json");
  fs.writeFileSync(file, document.getText());
  args.push(file);
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
  channel ??= vscode.window.createOutputChannel("asl-lint simulate");
  channel.clear();
  channel.show(true);
  channel.appendLine(`$ asl-lint ${args.map((a) => (a.includes(" ") ? JSON.stringify(a) : a)).join(" ")}`);
  const child = execFile(executable, args, { cwd: folder, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
    channel?.append(stdout);
    channel?.append(stderr);
    if (err && typeof err.code === "string") {
      channel?.appendLine(`cannot run ${executable}: ${err.message}. Set "aslLint.path" to the asl-lint executable.`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  if (!trimmed.startsWith("@")) {
    child.stdin?.end(trimmed);
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
