"""The ``TODO:`` placeholder that ``packetgen init`` writes where an answer is still missing, and where it is left.

Its own module so that the pre-flight checks (every build) do not import the init wizard's tables.
"""

from __future__ import annotations

TODO = "TODO:"


def todo_paths(data, prefix: str = "") -> list[tuple[str, str]]:
    """Every place in the case data still holding a ``TODO:`` placeholder: (path, what to write)."""
    out = []
    if isinstance(data, dict):
        for k, v in data.items():
            out += todo_paths(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += todo_paths(v, f"{prefix}[{i}]")
    elif isinstance(data, str) and data.startswith(TODO):
        out.append((prefix, data[len(TODO):].strip()))
    return out
