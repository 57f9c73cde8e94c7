"""Tasks that tests enqueue on a real cluster (importable by the qcluster subprocess)."""

from pathlib import Path


def write_marker(path: str, text: str) -> str:
    Path(path).write_text(text)
    return f"wrote {path}"
