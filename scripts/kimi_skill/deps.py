"""Which packages each script needs, and the one line that says how to get a missing one.

A fresh agent environment often has ``python3`` without them; the error names the package, the
exact ``pip install`` for that script, and the ``uv run`` alternative that reads the script's
inline metadata (PEP 723).
"""

from __future__ import annotations

CLIENT = ("openai>=3.50,<4", "httpx>=0.27,<1", "httpx-sse>=0.4,<1", "jsonschema-rs>=0.29")
NEEDS: dict[str, tuple[str, ...]] = {
    "chat.py": CLIENT,
    "stream.py": CLIENT,
    "jobs.py": CLIENT,
    "models.py": ("httpx>=0.27,<1",),
    "history.py": (),
    "doctor.py": (),
    "review.py": CLIENT,
    "batch.py": CLIENT,
    "mcp_server.py": (*CLIENT, "mcp>=2,<3"),
    "validate.py": ("pyyaml>=6", "jsonschema-rs>=0.29", "markdown-it-py>=3"),
    "package.py": ("pyyaml>=6", "jsonschema-rs>=0.29", "markdown-it-py>=3"),
}
# import name -> distribution; the SDK's own dependencies count as the SDK's
DISTRIBUTIONS = {
    "openai": "openai", "httpx2": "openai", "httpcore2": "openai", "pydantic": "openai", "pydantic_core": "openai",
    "jiter": "openai", "distro": "openai", "anyio": "openai", "sniffio": "openai", "typing_extensions": "openai",
    "httpx": "httpx", "httpcore": "httpx", "h11": "httpx", "certifi": "httpx", "idna": "httpx",
    "httpx_sse": "httpx-sse", "yaml": "pyyaml",
    "markdown_it": "markdown-it-py", "mdurl": "markdown-it-py", "jsonschema_rs": "jsonschema-rs",
    "mcp": "mcp", "mcp_types": "mcp", "starlette": "mcp", "sse_starlette": "mcp", "pydantic_settings": "mcp", "uvicorn": "mcp",
}


def missing(exc: ModuleNotFoundError, script: str) -> str:
    """The error line for a missing package (any other missing module is named as it is)."""
    module = (exc.name or "").split(".")[0]
    dist = DISTRIBUTIONS.get(module, module)
    needs = NEEDS.get(script) or ()
    specs = " ".join(f"'{spec}'" for spec in needs) or f"'{dist}'"
    import os
    import shlex

    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), script)
    runner = shlex.quote(path) if os.path.isfile(path) else f"scripts/{script}"  # absolute: it works from any folder
    return (
        f"the Python package {dist} is not installed (needed by {script}): "
        f"run  python3 -m pip install {specs}  or  uv run {runner} ..."
    )


def require(script: str) -> None:
    """Fail now, the same way a failed import would, when a package the script always needs is absent.

    The validator may never import a parser on a run whose results all come from its cache, so
    without this a broken environment would pass today and fail tomorrow on the same tree.
    ``find_spec`` only looks the module up; it does not import it.
    """
    import re
    from importlib.util import find_spec

    for spec in NEEDS.get(script, ()):
        dist = re.split(r"[<>=!~]", spec, maxsplit=1)[0].lower()
        module = next((name for name, owner in DISTRIBUTIONS.items() if owner == dist), dist.replace("-", "_"))  # its first import name
        if find_spec(module) is None:
            raise ModuleNotFoundError(f"No module named {module!r}", name=module)
