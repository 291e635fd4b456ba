#!/usr/bin/env python3
"""Writes the values table of charts/carrete/README.md from values.yaml.

    scripts/gen-chart-values.py           rewrite the table in place
    scripts/gen-chart-values.py --check   exit 1, with a diff, when it is stale

A row is a value and its default as values.yaml writes it, with the text
of the `# --` comment just above the key.  A block whose own comment is
the only one in it (say `podSecurityContext`) is one row, its keys listed
in the default column; other blocks give a row per value inside.  The
table sits between the README's `values-table` markers.

values.yaml is read line by line (for the comments), in the subset of YAML
it is written in: block mappings, and flow or scalar values.  The value
paths found are checked against PyYAML's reading of the same file, so a
construct this reader does not know stops the script instead of leaving a
row out."""

import difflib
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VALUES = os.path.join(ROOT, "charts", "carrete", "values.yaml")
README = os.path.join(ROOT, "charts", "carrete", "README.md")
BEGIN = "<!-- values-table: made by scripts/gen-chart-values.py from values.yaml; do not edit -->"
END = "<!-- end of values-table -->"

KEY = re.compile(r"^( *)([A-Za-z0-9_./-]+):(?: +(.*))?$")


class Node:
    def __init__(self, key, path, indent, doc, value):
        self.key, self.path, self.indent, self.doc, self.value = key, path, indent, doc, value
        self.children = []


def strip_comment(text):
    """The value without a trailing `# comment` (outside quotes)."""
    quote = None
    for i, c in enumerate(text):
        if quote:
            quote = None if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c == "#" and (i == 0 or text[i - 1] == " "):
            return text[:i].rstrip()
    return text.rstrip()


def parse(lines):
    root = Node("", "", -1, "", None)
    stack = [root]
    doc = []
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped:
            doc = []
            continue
        if stripped.startswith("#"):
            text = stripped[1:].strip()
            if text.startswith("--"):
                doc = [text[2:].strip()]
            elif doc:
                doc.append(text)
            continue
        m = KEY.match(line)
        if not m:
            sys.exit(f"values.yaml:{number}: not a `key: value` line this script reads: {line!r}")
        indent, key, rest = len(m.group(1)), m.group(2), strip_comment(m.group(3) or "")
        while stack[-1].indent >= indent:
            stack.pop()
        parent = stack[-1]
        path = f"{parent.path}.{key}" if parent.path else key
        node = Node(key, path, indent, " ".join(doc), rest if rest else None)
        parent.children.append(node)
        if rest == "":
            stack.append(node)
        doc = []
    return root


def documented_below(node):
    return any(child.doc or documented_below(child) for child in node.children)


def flat(node, prefix=""):
    """`key: value` pairs of a block, nested keys dotted."""
    out = []
    for child in node.children:
        name = prefix + child.key
        if child.value is None:
            out += flat(child, name + ".")
        else:
            out.append(f"{name}: {child.value}")
    return out


def rows(node):
    for child in node.children:
        if child.value is not None:
            yield child.path, child.value, child.doc
        elif child.doc and not documented_below(child):
            yield child.path, "{" + ", ".join(flat(child)) + "}", child.doc
        else:
            yield from rows(child)


def yaml_paths(value, prefix=""):
    """Every path down to a scalar, list or empty mapping."""
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            yield from yaml_paths(inner, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix


def key_paths(value, prefix=""):
    """Every key's path."""
    if isinstance(value, dict):
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path
            yield from key_paths(inner, path)


def check_against_yaml(table, text):
    """Each row names a key PyYAML finds, and each value PyYAML finds is
    in a row (its own, or its block's)."""
    loaded = yaml.safe_load(text)
    keys = set(key_paths(loaded))
    rows_at = {path for path, _, _ in table}
    unknown = rows_at - keys
    if unknown:
        sys.exit("rows for keys PyYAML does not see: " + ", ".join(sorted(unknown)))

    def covered(path):
        return any(path == row or path.startswith(row + ".") for row in rows_at)

    missing = [path for path in yaml_paths(loaded) if not covered(path)]
    if missing:
        sys.exit("values.yaml has values this script did not read: " + ", ".join(missing))


def cell(text):
    return text.replace("|", "\\|")


def render(table):
    out = [BEGIN, "", "| value | default | meaning |", "|---|---|---|"]
    for path, value, doc in table:
        out.append(f"| `{path}` | `{cell(value)}` | {cell(doc)} |")
    out += ["", END]
    return "\n".join(out)


def main():
    text = open(VALUES).read()
    table = list(rows(parse(text.splitlines())))
    check_against_yaml(table, text)
    readme = open(README).read()
    if BEGIN not in readme or END not in readme:
        sys.exit(f"{README}: the values-table markers are missing")
    head, rest = readme.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    new = head + render(table) + tail
    if "--check" in sys.argv[1:]:
        if new != readme:
            sys.stdout.writelines(difflib.unified_diff(
                readme.splitlines(True), new.splitlines(True), "README.md", "from values.yaml"))
            sys.exit("charts/carrete/README.md: the values table is stale; run scripts/gen-chart-values.py")
        return
    if new != readme:
        with open(README, "w") as f:
            f.write(new)


if __name__ == "__main__":
    main()
