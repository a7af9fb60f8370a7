"""Reading a scheme file: YAML with exact decimals, and the line of every key path.

PyYAML would turn ``0.05`` into a binary float; here every YAML float is
constructed as ``Decimal`` from its text, so a rate written ``0.0215`` is
exactly 0.0215. The composed node tree is kept to find the line of any key
path (for error messages) and to report duplicate keys, which PyYAML would
otherwise silently overwrite.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from rmperf.core.scheme.errors import PathElem, Problem


class _Loader(yaml.SafeLoader):
    """Safe YAML loading; floats become exact Decimals."""


class _OutOfRange(yaml.constructor.ConstructorError):
    """A number beyond what a scheme may write (see ``formula.number_in_range``)."""

    def __init__(self, text: str, node: yaml.ScalarNode) -> None:
        super().__init__(None, None, text, node.start_mark)
        self.text = text


#: the longest number a scheme may write, in characters (18 digits, a sign, a point, an exponent)
_NUMBER_CHARS = 40


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "").strip()
    lowered = text.lower()
    if lowered in (".inf", "+.inf"):
        return Decimal("Infinity")
    if lowered == "-.inf":
        return Decimal("-Infinity")
    if lowered == ".nan":
        return Decimal("NaN")
    try:
        value = Decimal(text)
    except InvalidOperation:  # sexagesimal and other YAML 1.1 oddities: refuse rather than guess
        raise yaml.constructor.ConstructorError(
            None, None, f"cannot read the number {text!r}", node.start_mark
        ) from None
    return _in_range(value, text, node)


def _in_range(value: Decimal, text: str, node: yaml.ScalarNode) -> Decimal:
    from rmperf.core.scheme.formula import number_in_range

    if value.is_finite() and not number_in_range(value):
        raise _OutOfRange(text, node)
    return value


def _int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    if len(str(node.value)) > _NUMBER_CHARS:  # before Python's int() refuses 4,300 digits with a ValueError
        raise _OutOfRange(str(node.value), node)
    value = loader.construct_yaml_int(node)
    _in_range(Decimal(value), str(node.value), node)
    return value


#: a string a number field would read as a number in exponent form (``"1e999999999"``)
_EXPONENT = re.compile(r"[+-]?(\d[\d_]*)?\.?\d*[eE][+-]?\d+")


def _number_text(node: yaml.ScalarNode) -> bool:
    """Whether a quoted or plain string scalar is a number out of range in exponent form."""
    from rmperf.core.scheme.formula import number_in_range

    text = str(node.value).strip()
    if node.tag != "tag:yaml.org,2002:str" or not _EXPONENT.fullmatch(text):
        return False
    try:
        return not number_in_range(Decimal(text.replace("_", "")))
    except InvalidOperation:
        return False


_Loader.add_constructor("tag:yaml.org,2002:float", _decimal)
_Loader.add_constructor("tag:yaml.org,2002:int", _int)


@dataclass
class Document:
    """A parsed scheme file: its data, its node tree (for lines) and its name."""

    source: str
    data: Any
    node: yaml.Node | None

    def line_of(self, path: Sequence[PathElem]) -> int | None:
        """The 1-based line of the deepest node on ``path`` (the key's line for a mapping value)."""
        return _line(self.node, path)

    def resolve_path(self, loc: Sequence[PathElem]) -> tuple[PathElem, ...]:
        """A pydantic error location mapped onto the YAML tree.

        Elements that name no node (union tags such as ``achievement``,
        ``function-after[...]``) are dropped; the last element is kept even when
        absent (a missing key is reported at the key it should have).
        """
        return _resolve(self.node, loc)


#: the largest scheme file, and the most values it may stand for once its YAML aliases (``*name``) are
#: expanded: a file of nested aliases ("billion laughs") stands for 10^9 values in a few hundred bytes,
#: and every check would walk them all. The largest template expands to about 1,600 values.
SCHEME_BYTES = 1 << 20
SCHEME_NODES = 100_000


def _expanded(root: yaml.Node) -> int | None:
    """How many values ``root`` stands for with every alias expanded (None: an alias refers to itself).

    Counted on the composed graph, where an alias is the anchored node itself, once per node.
    """
    sizes: dict[int, int] = {}
    busy: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        if done:
            busy.discard(key)
            sizes[key] = min(1 + sum(sizes[id(c)] for c in children), SCHEME_NODES + 1)
            continue
        if key in sizes:
            continue
        if key in busy:
            return None
        busy.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in busy:
                return None
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def parse(text: str, source: str) -> tuple[Document | None, list[Problem]]:
    """Parse ``text``; problems are YAML syntax errors and duplicate keys (and a file beyond the limits)."""
    if len(text.encode("utf-8")) > SCHEME_BYTES:
        return None, [Problem("scheme.file_too_large", {"limit": SCHEME_BYTES}, (), source, None)]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        size = _expanded(node) if node is not None else 0
        if size is None or size > SCHEME_NODES:
            return None, [Problem("scheme.yaml_aliases", {"limit": SCHEME_NODES}, (), source, None)]
        data = loader.construct_document(node) if node is not None else None
    except _OutOfRange as error:
        line = error.problem_mark.line + 1 if error.problem_mark is not None else None
        return None, [Problem("scheme.number_range", {"snippet": error.text[:_NUMBER_CHARS]}, (), source, line)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        detail = " ".join(str(x) for x in (error.context, error.problem) if x)
        return None, [Problem("scheme.yaml_syntax", {"detail": detail}, (), source, line)]
    except yaml.YAMLError as error:
        return None, [Problem("scheme.yaml_syntax", {"detail": str(error)}, (), source, None)]
    finally:
        loader.dispose()
    problems: list[Problem] = []
    if node is not None:
        _duplicates(node, (), source, problems)
    if any(p.code == "scheme.number_range" for p in problems):
        return None, problems
    return Document(source, data, node), problems


def _key_text(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "?"


def _duplicates(node: yaml.Node, path: tuple[PathElem, ...], source: str, out: list[Problem]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = _key_text(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                out.append(Problem("scheme.duplicate_key", {"key": key, "first_line": seen[key]}, path, source, line))
            else:
                seen[key] = line
            _duplicates(value_node, (*path, key), source, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            _duplicates(child, (*path, i), source, out)
    elif isinstance(node, yaml.ScalarNode) and _number_text(node):
        snippet = str(node.value)[:_NUMBER_CHARS]
        out.append(Problem("scheme.number_range", {"snippet": snippet}, path, source, node.start_mark.line + 1))


def _child(node: yaml.Node, elem: PathElem) -> tuple[yaml.Node, yaml.Node] | None:
    """(key node or the element node, value node) of ``elem`` under ``node``."""
    if isinstance(node, yaml.MappingNode) and isinstance(elem, str):
        for key_node, value_node in node.value:
            if _key_text(key_node) == elem:
                return key_node, value_node
    if isinstance(node, yaml.SequenceNode) and isinstance(elem, int) and 0 <= elem < len(node.value):
        child: yaml.Node = node.value[elem]
        return child, child
    return None


def _line(node: yaml.Node | None, path: Sequence[PathElem]) -> int | None:
    if node is None:
        return None
    line = node.start_mark.line + 1
    for elem in path:
        found = _child(node, elem)
        if found is None:
            break
        key_node, node = found
        line = key_node.start_mark.line + 1
    return line


def _resolve(node: yaml.Node | None, loc: Sequence[PathElem]) -> tuple[PathElem, ...]:
    out: list[PathElem] = []
    for i, elem in enumerate(loc):
        if (
            isinstance(elem, str)
            and elem in _TAGS
            and i + 1 < len(loc)
            and node is not None
            and _child(node, loc[i + 1]) is not None
        ):
            continue  # a union tag that is also a field's name (method: bands has a bands key): not a step
        found = _child(node, elem) if node is not None else None
        if found is not None:
            out.append(elem)
            node = found[1]
        elif i == len(loc) - 1 and isinstance(elem, str) and "[" not in elem and "(" not in elem:
            out.append(elem)
        elif (
            (isinstance(elem, int) or not _internal(elem))
            and node is not None
            and not isinstance(node, yaml.MappingNode | yaml.SequenceNode)
        ):
            # a key inside a value that is not a mapping (e.g. a plain weight wrapped as dated): stop here
            break
    return tuple(out)


def _internal(elem: str) -> bool:
    """A pydantic location element that names a union member rather than a key."""
    return "[" in elem or "(" in elem or elem in _TAGS


#: union tags of the scheme models (scoring methods, target kinds); extended by the model module
_TAGS: set[str] = set()


def register_tags(tags: Sequence[str]) -> None:
    _TAGS.update(tags)
