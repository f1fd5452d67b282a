// Starts `velo lsp` for .velo files through vscode-languageclient.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("velo").get("path") || "velo";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "velo",
    "Velo",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "velo" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
