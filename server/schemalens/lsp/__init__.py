"""The language server: `schemalens lsp` speaks LSP over stdio.

A thin front end over `workflows`, like the CLI: `server.py` wires one small handler
module per feature; `checks.py` runs the engine off the event loop and keeps the latest
result per project; `diagnostics.py` turns a result into LSP diagnostics.
"""
