// "asl-lint: Show the state graph": a panel beside the editor with the graph the server
// draws (`workspace/executeCommand` asl-lint.graph). It follows the active ASL document,
// redraws as you type, and a click on a state reveals it in the text.
import * as vscode from "vscode";
import { ExecuteCommandRequest, LanguageClient } from "vscode-languageclient/node";
import { Target, targetDocument } from "./target";

interface Drawn {
  svg: string | null;
  error: string | null;
  definitions: string[];
}

type Message = { kind: "definition"; name: string } | { kind: "reveal"; name: string };

export class GraphPanel {
  private static current: GraphPanel | undefined;
  private definition: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly client: () => LanguageClient | undefined,
    private uri: vscode.Uri,
    private readonly isAsl: (doc: vscode.TextDocument) => boolean
  ) {
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: Message) => this.onMessage(m)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === this.uri.toString()) {
          this.schedule();
        }
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && this.isAsl(editor.document) && editor.document.uri.toString() !== this.uri.toString()) {
          this.uri = editor.document.uri;
          this.definition = undefined;
          void this.refresh();
        }
      })
    );
  }

  // The graph of the active document, or of the state machine whose "Show graph" code
  // lens was clicked.
  static async show(
    client: () => LanguageClient | undefined,
    isAsl: (doc: vscode.TextDocument) => boolean,
    target?: Target
  ): Promise<void> {
    const document = await targetDocument(target, isAsl);
    if (!document) {
      return;
    }
    if (GraphPanel.current) {
      // A lens names its state machine; from the palette, the one picked in the panel
      // stays while the document does.
      if (target || GraphPanel.current.uri.toString() !== document.uri.toString()) {
        GraphPanel.current.definition = target?.machine;
      }
      GraphPanel.current.uri = document.uri;
      GraphPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
      void GraphPanel.current.refresh();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      "aslLint.graph",
      "State graph",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: true }
    );
    GraphPanel.current = new GraphPanel(panel, client, document.uri, isAsl);
    GraphPanel.current.definition = target?.machine;
    void GraphPanel.current.refresh();
  }

  private schedule(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => void this.refresh(), 300);
  }

  private async refresh(): Promise<void> {
    const client = this.client();
    if (!client) {
      this.render({ svg: null, error: "the asl-lint server is not running", definitions: [] });
      return;
    }
    const args: string[] = [client.code2ProtocolConverter.asUri(this.uri)];
    if (this.definition) {
      args.push(this.definition);
    }
    try {
      const drawn = (await client.sendRequest(ExecuteCommandRequest.type, {
        command: "asl-lint.graph",
        arguments: args,
      })) as Drawn;
      this.render(drawn);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.render({ svg: null, error: message, definitions: [] });
    }
  }

  private async onMessage(m: Message): Promise<void> {
    if (m.kind === "definition") {
      this.definition = m.name;
      await this.refresh();
      return;
    }
    const symbols = (await vscode.commands.executeCommand(
      "vscode.executeDocumentSymbolProvider",
      this.uri
    )) as vscode.DocumentSymbol[] | undefined;
    const found = find(symbols ?? [], m.name);
    if (found) {
      const document = await vscode.workspace.openTextDocument(this.uri);
      const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
      editor.selection = new vscode.Selection(found.selectionRange.start, found.selectionRange.end);
      editor.revealRange(found.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  private render(drawn: Drawn): void {
    const nonce = Math.random().toString(36).slice(2);
    const name = this.uri.path.split("/").pop() ?? "";
    this.panel.title = `State graph: ${name}`;
    const options = drawn.definitions
      .map((d) => `<option ${d === this.definition ? "selected" : ""}>${escape(d)}</option>`)
      .join("");
    const picker =
      drawn.definitions.length > 1 ? `<label>State machine <select id="definition">${options}</select></label>` : "";
    const body = drawn.svg ?? `<p class="error">${escape(drawn.error ?? "nothing to draw")}</p>`;
    this.panel.webview.html = `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}';">
<style>
  body { margin: 0; background: #fafbfc; color: #1d2731; font-family: var(--vscode-font-family); }
  header { position: sticky; top: 0; padding: 6px 10px; background: #eef1f5; display: flex; gap: 12px; align-items: center; }
  main { padding: 8px; transform-origin: top left; }
  .state { cursor: pointer; }
  .error { padding: 12px; color: #c0392b; }
  button { font: inherit; }
</style></head>
<body><header>${picker}<button id="out">−</button><button id="in">+</button><button id="fit">100%</button></header>
<main id="graph">${body}</main>
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  const graph = document.getElementById("graph");
  let zoom = (vscode.getState() || {}).zoom || 1;
  const apply = () => { graph.style.transform = "scale(" + zoom + ")"; vscode.setState({ zoom }); };
  apply();
  document.getElementById("in").onclick = () => { zoom = Math.min(zoom * 1.25, 4); apply(); };
  document.getElementById("out").onclick = () => { zoom = Math.max(zoom / 1.25, 0.1); apply(); };
  document.getElementById("fit").onclick = () => { zoom = 1; apply(); };
  const picker = document.getElementById("definition");
  if (picker) { picker.onchange = () => vscode.postMessage({ kind: "definition", name: picker.value }); }
  graph.addEventListener("click", (e) => {
    const state = e.target.closest && e.target.closest("[data-name]");
    if (state) { vscode.postMessage({ kind: "reveal", name: state.getAttribute("data-name") }); }
  });
</script></body></html>`;
  }

  private dispose(): void {
    GraphPanel.current = undefined;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

// The symbol of a state, searched through nested Parallel branches and Map processors.
function find(symbols: vscode.DocumentSymbol[], name: string): vscode.DocumentSymbol | undefined {
  for (const s of symbols) {
    if (s.name === name && s.kind !== vscode.SymbolKind.Array) {
      return s;
    }
    const inner = find(s.children ?? [], name);
    if (inner) {
      return inner;
    }
  }
  return undefined;
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
