"""The package's floors are honest: no import circle, and no hidden import.

Every import between msguide's own modules counts, the ones inside functions
too (a function-local import is a circle that only shows at run time). A
function-local import between the package's modules is allowed only with a
measured reason on its line: `# lazy: ... (measured)`, with the number.
"""

import ast
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "lambda", "msguide")
TAG = re.compile(r"#\s*lazy:.*\d.*measured")


def modules():
    """{dotted name: path} of every module in lambda/msguide."""
    found = {}
    for folder, _dirs, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                parts = os.path.relpath(path, os.path.dirname(PACKAGE))[:-3].split(os.sep)
                if parts[-1] == "__init__":
                    parts.pop()
                found[".".join(parts)] = path
    return found


def imports(name, path, known):
    """[(imported module, (first line, last line), is function-local)] of the package's own modules."""
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    package = name if path.endswith("__init__.py") else name.rpartition(".")[0]
    local_lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    local_lines.add(inner.lineno)
    statements = {node.lineno: node.end_lineno for node in ast.walk(tree)
                  if isinstance(node, (ast.Import, ast.ImportFrom))}
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [module + "." + alias.name if module + "." + alias.name in known else module
                       for alias in node.names]
        for target in targets:
            if target in known and target != name:
                found.append((target, (node.lineno, statements[node.lineno]), node.lineno in local_lines))
    return found


def graph():
    known = modules()
    edges = {}
    for name, path in known.items():
        for target, _line, _local in imports(name, path, known):
            # importing a.b.c runs a and a.b first, unless the importer is inside them
            parts = target.split(".")
            for depth in range(2, len(parts) + 1):
                step = ".".join(parts[:depth])
                if step in known and not (name + ".").startswith(step + "."):
                    edges.setdefault(name, set()).add(step)
    return edges


def circles(edges):
    """Every strongly connected group of more than one module (Tarjan)."""
    index, low, stack, on, groups, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(set(edges) | {n for targets in edges.values() for n in targets}):
        if node not in index:
            visit(node)
    return groups


def test_the_package_has_no_import_circle_counting_function_local_imports():
    assert circles(graph()) == []


def test_the_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_a_function_local_import_between_the_packages_modules_says_its_measured_reason():
    known = modules()
    untagged = []
    for name, path in sorted(known.items()):
        lines = open(path, encoding="utf-8").read().splitlines()
        for target, (first, last), local in imports(name, path, known):
            if local and not any(TAG.search(line) for line in lines[first - 1:last]):
                untagged.append("%s:%d imports %s" % (os.path.relpath(path, ROOT), first, target))
    assert untagged == []
