"""What Python sources say, read with ``ast`` and never executed: env reads, argparse flags,
and the local modules a script pulls in."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


def _env_key(node: ast.AST, aliases: set[str]) -> ast.AST | None:
    if isinstance(node, ast.Subscript) and _is_environ(node.value, aliases):
        return node.slice
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("get", "pop", "setdefault") and _is_environ(func.value, aliases):
            return node.args[0]
        if (isinstance(func, ast.Attribute) and func.attr == "getenv") or (isinstance(func, ast.Name) and func.id == "getenv"):
            return node.args[0]
    return None


@dataclass
class _Scan:
    env: list[EnvRead]
    flags: list[Flag]
    import_nodes: list[ast.Import | ast.ImportFrom]


def _scan(tree: ast.AST) -> _Scan:
    """One walk over the tree for everything the checks need from it."""
    aliases: set[str] = set()
    candidates: list[ast.AST] = []
    flags: list[Flag] = []
    imports: list[ast.Import | ast.ImportFrom] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _mentions_environ(node.value):
            aliases.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Subscript, ast.Call)):
            candidates.append(node)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.startswith("-"):
                        flags.append(Flag(arg.value, node.lineno))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(node)
    env = []
    for node in candidates:
        key = _env_key(node, aliases)
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            env.append(EnvRead(key.value, node.lineno, node.col_offset + 1))  # type: ignore[attr-defined]
    return _Scan(env, flags, imports)


@dataclass(frozen=True)
class Flag:
    name: str
    line: int


def parse(folder: Folder, rel: str) -> ast.Module | None:
    """The file's syntax tree, parsed once per run; None when it cannot be read or parsed."""
    if rel not in folder.trees:
        text = folder.text(rel)
        tree: ast.Module | None = None
        if text is not None:
            try:
                tree = ast.parse(text, filename=rel)
            except (SyntaxError, ValueError, RecursionError):
                tree = None
        folder.trees[rel] = tree
    return folder.trees[rel]  # type: ignore[return-value]


def local_imports(folder: Folder, rel: str, nodes: list[ast.Import | ast.ImportFrom]) -> Iterator[str]:
    """Files of this folder that ``rel`` imports (absolute from its own directory, or relative)."""
    base = rel.rsplit("/", 1)[0] if "/" in rel else ""
    package = base
    for node in nodes:
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


@dataclass(frozen=True)
class Facts:
    env: tuple[EnvRead, ...]
    flags: tuple[Flag, ...]
    imports: tuple[str, ...]


def facts(folder: Folder, rel: str) -> Facts | None:
    """Env reads, flags and local imports of one file, computed once per run."""
    key = f"facts:{rel}"
    if key not in folder.trees:
        tree = parse(folder, rel)
        if tree is None:
            folder.trees[key] = None
        else:
            scan = _scan(tree)
            folder.trees[key] = Facts(tuple(scan.env), tuple(scan.flags), tuple(local_imports(folder, rel, scan.import_nodes)))
    return folder.trees[key]  # type: ignore[return-value]


NEEDS_AST = ("environ", "getenv", "add_argument")


def compiled_before(folder: Folder, rel: str) -> bool:
    """True when a bytecode cache proves this exact source compiled: Python writes it only after
    a successful compile and stamps it with the source's mtime and size, as import checks."""
    import importlib.util

    source = folder.root / rel
    try:
        header = Path(importlib.util.cache_from_source(str(source))).read_bytes()[:16]
        stat = source.stat()
    except (OSError, ValueError, NotImplementedError):
        return False
    return (
        len(header) == 16
        and header[:4] == importlib.util.MAGIC_NUMBER
        and int.from_bytes(header[4:8], "little") == 0  # timestamp-based, not hash-based
        and int.from_bytes(header[8:12], "little") == int(stat.st_mtime) & 0xFFFFFFFF
        and int.from_bytes(header[12:16], "little") == stat.st_size & 0xFFFFFFFF
    )


def flags_of_script(folder: Folder, rel: str, limit: int = 60) -> set[str] | None:
    """Every flag defined by the script, or by local modules it imports that define flags
    themselves (thin entry scripts import the module holding the parser); None when the
    script cannot be read."""
    if facts(folder, rel) is None:
        return None
    flags = {"-h", "--help"}
    seen, queue = {rel}, [rel]
    while queue and len(seen) <= limit:
        found = facts(folder, queue.pop())
        if found is None:
            continue
        flags.update(f.name for f in found.flags)
        for dep in found.imports:
            if dep not in seen and "add_argument" in (folder.text(dep) or ""):
                seen.add(dep)
                queue.append(dep)
    return flags
