"""Nest the flat, path-ordered rows of orgchart.queries.tree_rows into a tree for templates."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from orgchart.models import Organisation


@dataclass
class TreeNode:
    org: Organisation
    members: int = 0
    children: list[TreeNode] = field(default_factory=list)
    is_open: bool = False
    is_selected: bool = False


def build_tree(
    rows: list[Organisation], counts: dict[str, int], selected: Organisation | None = None
) -> list[TreeNode]:
    """Nest path-ordered rows; the selected node and its ancestors (and the top level) are open.

    A node whose parent is not among the rows (a closed parent was left out) hangs from its
    nearest listed ancestor, so nothing open disappears from the chart.
    """
    steplen = Organisation.steplen
    by_path: dict[str, TreeNode] = {}
    roots: list[TreeNode] = []
    selected_path = selected.path if selected is not None else None
    for org in rows:
        node = TreeNode(
            org=org,
            members=counts.get(org.path, 0),
            is_selected=org.path == selected_path,
            is_open=bool(selected_path and selected_path.startswith(org.path)),
        )
        by_path[org.path] = node
        parent = None
        for end in range(len(org.path) - steplen, 0, -steplen):
            parent = by_path.get(org.path[:end])
            if parent is not None:
                break
        if parent is None:
            node.is_open = True
            roots.append(node)
        else:
            parent.children.append(node)
    return roots


class LazyTree(Sequence):
    """`build_tree` run only when a template (or a test) reads the tree: a chart whose rendered
    tree comes from the cache does not nest 1,700 organisations again nor count their members."""

    def __init__(self, rows: list[Organisation], selected: Organisation | None, counts) -> None:
        self.rows, self.selected, self.counts = rows, selected, counts
        self._roots: list[TreeNode] | None = None

    def _built(self) -> list[TreeNode]:
        if self._roots is None:
            self._roots = build_tree(self.rows, self.counts(self.rows), self.selected)
        return self._roots

    def __iter__(self) -> Iterator[TreeNode]:
        return iter(self._built())

    def __getitem__(self, index):
        return self._built()[index]

    def __len__(self) -> int:
        return len(self._built())

    def __bool__(self) -> bool:
        return bool(self.rows)
