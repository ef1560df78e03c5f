"""YAML as plain data, refusing what only an attacker writes: aliases (a few hundred bytes of nested
aliases expand to gigabytes) and documents deeper or larger than any plan, directory or policy."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent

from models.errors import InvalidInputError

MAX_NODES = 200_000  # a 5,000-task plan has about 60,000


class UnsafeYamlError(InvalidInputError):
    """A YAML document planflow will not expand."""


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader that stops at the first alias and counts the nodes it builds."""

    nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise UnsafeYamlError(
                f"dòng {event.start_mark.line + 1}: tệp dùng bí danh YAML (*{event.anchor}); hãy viết đầy đủ giá trị"
            )
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise UnsafeYamlError(f"tệp YAML quá lớn (hơn {MAX_NODES:,} phần tử)")
        return super().compose_node(parent, index)


def load_plain_yaml(text: str) -> Any:
    """The data of one YAML document, or UnsafeYamlError (aliases, too many nodes) / yaml.YAMLError."""
    loader = _PlainLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
