"""A TRD version as a document: canonical Markdown, sanitised HTML, and diffs between versions."""
