// What a command runs on when a code lens starts it: the document, and in a template or
// Terraform file the state machine (its name as `asl-lint --definition` takes it).
import * as vscode from "vscode";

export interface Target {
  uri: vscode.Uri;
  machine: string | undefined;
}

// The document a command works on: the lens's, opened if need be, else the active
// editor's when it is an ASL document.
export async function targetDocument(
  target: Target | undefined,
  isAsl: (doc: vscode.TextDocument) => boolean
): Promise<vscode.TextDocument | undefined> {
  if (target) {
    return vscode.workspace.openTextDocument(target.uri);
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor || !isAsl(editor.document)) {
    void vscode.window.showInformationMessage("asl-lint: open a state machine definition or template first.");
    return undefined;
  }
  return editor.document;
}
