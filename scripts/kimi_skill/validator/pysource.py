"""What Python sources say, read with ``ast`` and never executed: env reads, argparse flags,
and the local modules a script pulls in."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def _environ_copy(node: ast.AST) -> bool:
    """``os.environ``, ``os.environ.copy()``, ``dict(os.environ)`` or ``{**os.environ}``: a name
    bound to one of these reads the environment; a dict merely built from a read does not."""
    if _is_environ(node, set()):
        return True
    if isinstance(node, ast.IfExp):  # env = os.environ if environ is None else environ
        return _environ_copy(node.body) or _environ_copy(node.orelse)
    if isinstance(node, ast.BoolOp):  # env = environ or os.environ
        return any(_environ_copy(value) for value in node.values)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "copy" and _is_environ(func.value, set()) and not node.args:
            return True
        if isinstance(func, ast.Name) and func.id == "dict" and len(node.args) == 1 and _is_environ(node.args[0], set()):
            return True
    if isinstance(node, ast.Dict):
        return any(key is None and _is_environ(value, set()) for key, value in zip(node.keys, node.values, strict=True))
    return False


def _env_key(node: ast.AST, aliases: set[str]) -> ast.AST | None:
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_environ(node.value, aliases):
        return node.slice
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("get", "pop", "setdefault") and (_is_environ(func.value, aliases) or _environ_copy(func.value)):
            return node.args[0]
        if (isinstance(func, ast.Attribute) and func.attr == "getenv") or (isinstance(func, ast.Name) and func.id == "getenv"):
            return node.args[0]
    return None


@dataclass
class _Scan:
    env: list[EnvRead]
    flags: list[Flag]
    import_nodes: list[ast.Import | ast.ImportFrom]
    argparse: bool  # builds an argparse parser
    opaque: bool  # also reads its arguments some other way: flags cannot be judged


OPAQUE_MODULES = {"click", "typer", "fire", "docopt", "getopt", "optparse", "absl", "plac", "cyclopts", "tyro"}


def _opaque(node: ast.AST) -> bool:
    """Argument handling we cannot read whole: sys.argv, click/typer and friends, pass-through."""
    if isinstance(node, ast.Attribute) and node.attr == "argv" and isinstance(node.value, ast.Name) and node.value.id == "sys":
        return True
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
        return any(name.split(".")[0] in OPAQUE_MODULES for name in names)
    if isinstance(node, ast.Attribute) and node.attr in ("parse_known_args", "REMAINDER", "parse_intermixed_args"):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
        return bool(node.args) and not all(isinstance(a, ast.Constant) for a in node.args)
    return False


def _scan(tree: ast.AST) -> _Scan:
    """One walk over the tree for everything the checks need from it."""
    aliases: set[str] = set()
    candidates: list[ast.AST] = []
    flags: list[Flag] = []
    imports: list[ast.Import | ast.ImportFrom] = []
    argparse = opaque = False
    for node in ast.walk(tree):
        if not opaque and _opaque(node):
            opaque = True
        if isinstance(node, ast.Assign) and _environ_copy(node.value):
            aliases.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Subscript, ast.Call)):
            candidates.append(node)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
                argparse = True
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
    return _Scan(env, flags, imports, argparse, opaque)


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


ImportSpec = tuple[bool, int, str, list[str]]  # (from-import, level, module, names)


def import_specs(nodes: list[ast.Import | ast.ImportFrom]) -> list[ImportSpec]:
    return [
        (isinstance(node, ast.ImportFrom), getattr(node, "level", 0) or 0, getattr(node, "module", None) or "", [a.name for a in node.names])
        for node in nodes
    ]


def local_imports(folder: Folder, rel: str, specs: list[ImportSpec]) -> Iterator[str]:
    """Files of this folder that ``rel`` imports (absolute from its own directory, or relative)."""
    base = rel.rsplit("/", 1)[0] if "/" in rel else ""
    package = base
    for is_from, level, module_name, imported in specs:
        names: list[str] = []
        if is_from:
            if level:
                parent = package
                for _ in range(level - 1):
                    parent = parent.rsplit("/", 1)[0] if "/" in parent else ""
                prefix = f"{parent}/" if parent else ""
                module = module_name.replace(".", "/")
                names = [f"{prefix}{module}"] if module else []
                names += [f"{prefix}{module}/{a}".replace("//", "/") if module else f"{prefix}{a}" for a in imported]
            elif module_name:
                root = f"{base}/" if base else ""
                names = [root + module_name.replace(".", "/")]
                names += [f"{root}{module_name.replace('.', '/')}/{a}" for a in imported]
        else:
            root = f"{base}/" if base else ""
            names = [root + a.replace(".", "/") for a in imported]
        for name in names:
            for candidate in (f"{name}.py", f"{name}/__init__.py"):
                if folder.has(candidate):
                    yield candidate


@dataclass(frozen=True)
class Facts:
    env: tuple[EnvRead, ...]
    flags: tuple[Flag, ...]
    imports: tuple[str, ...]
    argparse: bool = False
    opaque: bool = False


def _scanned(folder: Folder, rel: str) -> dict[str, Any] | None:
    """What one walk of the file's syntax tree found, as JSON, remembered by the text's hash
    (:mod:`.memo`): parsing is most of a validation's time. None when it does not parse."""
    text = folder.text(rel)
    if text is None:
        return None
    from .memo import MISSING, digest, memo

    key = digest(text)
    stored = memo().get("pyscan", key)
    if stored is MISSING:
        tree = parse(folder, rel)
        if tree is None:
            stored = None
        else:
            scan = _scan(tree)
            stored = {
                "env": [[e.name, e.line, e.col] for e in scan.env], "flags": [[f.name, f.line] for f in scan.flags],
                "imports": import_specs(scan.import_nodes), "argparse": scan.argparse, "opaque": scan.opaque,
            }
        memo().put("pyscan", key, stored)
    return stored


def parses(folder: Folder, rel: str) -> bool:
    return _scanned(folder, rel) is not None


def facts(folder: Folder, rel: str) -> Facts | None:
    """Env reads, flags and local imports of one file, computed once per run."""
    key = f"facts:{rel}"
    if key not in folder.trees:
        scan = _scanned(folder, rel)
        if scan is None:
            folder.trees[key] = None
        else:
            folder.trees[key] = Facts(
                tuple(EnvRead(name, line, col) for name, line, col in scan["env"]), tuple(Flag(name, line) for name, line in scan["flags"]),
                tuple(local_imports(folder, rel, [(a, b, c, list(d)) for a, b, c, d in scan["imports"]])), scan["argparse"], scan["opaque"],
            )
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
    """Every flag the script accepts, or None when its argument handling is not known whole:
    it must build an argparse parser (itself or in local modules it imports) and read its
    arguments in no other way (sys.argv, click, typer, parse_known_args, pass-through)."""
    if facts(folder, rel) is None:
        return None
    flags = {"-h", "--help"}
    seen, queue = {rel}, [rel]
    parser = False
    while queue and len(seen) <= limit:
        found = facts(folder, queue.pop())
        if found is None:
            continue
        if found.opaque:
            return None
        parser = parser or found.argparse
        flags.update(f.name for f in found.flags)
        for dep in found.imports:
            if dep not in seen:
                seen.add(dep)
                queue.append(dep)
    return flags if parser else None
