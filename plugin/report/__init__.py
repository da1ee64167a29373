"""Renderers of the summary state: terminal, findings JSON, and (later) CSV, Markdown, HTML."""
