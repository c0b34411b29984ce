"""What Python sources say, read with ``ast`` and never executed: env reads, argparse flags,
and the local modules a script pulls in."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from .folder import Folder


@dataclass(frozen=True)
class EnvRead:
    name: str
    line: int
    col: int


def _is_environ(node: ast.AST, aliases: set[str]) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "environ":
        return True
    return isinstance(node, ast.Name) and (node.id == "environ" or node.id in aliases)


def _mentions_environ(node: ast.AST) -> bool:
    return any(_is_environ(n, set()) for n in ast.walk(node))


def env_reads(tree: ast.AST) -> Iterator[EnvRead]:
    """``os.environ[...]``, ``os.getenv(...)``, ``environ.get(...)``, also through a local alias
    such as ``env = os.environ if environ is None else environ``."""
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _mentions_environ(node.value):
            aliases.update(t.id for t in node.targets if isinstance(t, ast.Name))
    for node in ast.walk(tree):
        key: ast.AST | None = None
        if isinstance(node, ast.Subscript) and _is_environ(node.value, aliases):
            key = node.slice
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ("get", "pop", "setdefault") and _is_environ(func.value, aliases):
                key = node.args[0]
            elif (isinstance(func, ast.Attribute) and func.attr == "getenv") or (isinstance(func, ast.Name) and func.id == "getenv"):
                key = node.args[0]
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            yield EnvRead(key.value, node.lineno, node.col_offset + 1)


@dataclass(frozen=True)
class Flag:
    name: str
    line: int


def argparse_flags(tree: ast.AST) -> Iterator[Flag]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.startswith("-"):
                    yield Flag(arg.value, node.lineno)


def parse(folder: Folder, rel: str) -> ast.Module | None:
    text = folder.text(rel)
    if text is None:
        return None
    try:
        return ast.parse(text, filename=rel)
    except (SyntaxError, ValueError):
        return None


def local_imports(folder: Folder, rel: str, tree: ast.AST) -> Iterator[str]:
    """Files of this folder that ``rel`` imports (absolute from its own directory, or relative)."""
    base = rel.rsplit("/", 1)[0] if "/" in rel else ""
    package = base
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parent = package
                for _ in range(node.level - 1):
                    parent = parent.rsplit("/", 1)[0] if "/" in parent else ""
                prefix = f"{parent}/" if parent else ""
                module = (node.module or "").replace(".", "/")
                names = [f"{prefix}{module}"] if module else []
                names += [f"{prefix}{module}/{a.name}".replace("//", "/") if module else f"{prefix}{a.name}" for a in node.names]
            elif node.module:
                root = f"{base}/" if base else ""
                names = [root + node.module.replace(".", "/")]
                names += [f"{root}{node.module.replace('.', '/')}/{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            root = f"{base}/" if base else ""
            names = [root + a.name.replace(".", "/") for a in node.names]
        for name in names:
            for candidate in (f"{name}.py", f"{name}/__init__.py"):
                if folder.has(candidate):
                    yield candidate


def flags_of_script(folder: Folder, rel: str, limit: int = 40) -> set[str] | None:
    """Every flag defined by the script or by local modules it imports (an over-approximation);
    None when the script cannot be read."""
    tree = parse(folder, rel)
    if tree is None:
        return None
    flags = {"-h", "--help"}
    seen, queue = {rel}, [(rel, tree)]
    while queue and len(seen) <= limit:
        current, current_tree = queue.pop()
        flags.update(f.name for f in argparse_flags(current_tree))
        for dep in local_imports(folder, current, current_tree):
            if dep not in seen:
                seen.add(dep)
                dep_tree = parse(folder, dep)
                if dep_tree is not None:
                    queue.append((dep, dep_tree))
    return flags
