"""YAML from users (rubric uploads): bounded in size and depth, and without aliases, so a few hundred bytes
can neither expand into gigabytes (alias bombs) nor exhaust the stack (thousands of nested brackets)."""

from __future__ import annotations

from typing import Any

import yaml

MAX_BYTES = 512 * 1024
MAX_DEPTH = 40


class YamlLimitError(ValueError):
    """The text is over a limit; `line` is where it was noticed (1-based), when known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        self.reason, self.line = reason, line
        super().__init__(reason if line is None else f"line {line}: {reason}")


class _BoundedLoader(yaml.SafeLoader):
    """The pure-Python safe loader, refusing aliases and counting depth while it composes the document."""

    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise YamlLimitError("aliases (*name) are not allowed", self.peek_event().start_mark.line + 1)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlLimitError(f"nested deeper than {MAX_DEPTH} levels", self.peek_event().start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load(text: str, *, max_bytes: int = MAX_BYTES) -> Any:
    """Parse one YAML document safely; raises YamlLimitError over a limit, yaml.YAMLError when malformed."""
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise YamlLimitError(f"the text is {size // 1024} KB, more than the {max_bytes // 1024} KB allowed")
    return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506  (a SafeLoader subclass)
