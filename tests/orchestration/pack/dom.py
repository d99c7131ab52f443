"""The pack's HTML as a tree, parsed by the standard library's HTML parser, so tests
read cells as a browser would find them rather than matching text; and the few ways
every pack test reads a cell (by its data-column, its exact value, the headline rows)."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


SEPARATE = {"td", "th", "tr", "span", "div", "p", "li", "caption", "figcaption"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        """The text as read: cells, spans and blocks apart, inline elements run on."""
        parts = [
            c if isinstance(c, str) else f" {c.text()} " if c.tag in SEPARATE else c.text()
            for c in self.children
        ]
        return " ".join("".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and all(node.attrs.get(name) == value for name, value in wanted.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        (found,) = self.find_all(tag, **attrs)
        return found


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def cell(row: Node, column: str) -> Node:
    return row.find("td", data_column=column)


def exact(node: Node) -> float:
    """The warehouse's unrounded value, as the <data> element of a cell holds it."""
    return float(node.find("data").attrs["value"])


def headline(page: Node) -> dict[str, Node]:
    table = page.find("table", id="headline-table")
    return {
        r.attrs["data-indicator"]: r for r in table.find_all("tr") if "data-indicator" in r.attrs
    }
