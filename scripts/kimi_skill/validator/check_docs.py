"""SKILL.md and references/*.md: links resolve, code parses, and documented commands use only
scripts and flags that exist."""

from __future__ import annotations

import ast
import itertools
import json
import posixpath
import re
import shlex
from urllib.parse import unquote, urlsplit

from ..shapes import obj
from . import markdown, pysource
from .skill import Skill

SHELL_LANGS = {"", "bash", "sh", "shell", "console", "zsh", "shell-session"}
FLAG = re.compile(r"^--?[A-Za-z0-9][A-Za-z0-9_-]*$")
COMMAND_START = re.compile(r"^\s*(?:\$\s+)?(?:python3?|py|uv\s+run|bash|sh|\./scripts/|\{baseDir\}|\$\{?CLAUDE_PLUGIN_ROOT)")
BASE_ASSIGN = re.compile(r"""(?:OPENAI_BASE_URL|BASE_URL|base_url|baseURL)\s*[=:]\s*["']?(https?://[^\s"'`,)]+)""")
URL = re.compile(r"""https?://[^\s"'`<>)\]]+""")
LOOPBACK = re.compile(r"^https?://(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\w+)?(/|$)")
MAX_BODY_LINES = 500
MAX_MARKDOWN_BYTES = 2 * 1024 * 1024


def documents(skill: Skill) -> list[str]:
    names = [skill.md] if skill.folder.has(skill.md) else []
    names += sorted(rel for rel in skill.folder.files if rel.startswith("references/") and rel.endswith(".md"))
    return names


def console_scripts(skill: Skill) -> dict[str, str]:
    """Console-script names declared in pyproject.toml -> the module file that defines them."""
    text = skill.folder.text("pyproject.toml")
    if text is None:
        return {}
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}
    found: dict[str, str] = {}
    project = obj(data.get("project"))
    scripts = obj(project.get("scripts"))
    for name, target in scripts.items():
        module = str(target).split(":", 1)[0].replace(".", "/")
        for prefix in ("", "scripts/", "src/"):
            for candidate in (f"{prefix}{module}.py", f"{prefix}{module}/__init__.py", f"{prefix}{module}/__main__.py"):
                if skill.folder.has(candidate):
                    found[name] = candidate
    return found


def check(skill: Skill) -> None:
    consoles = console_scripts(skill)
    flags_cache: dict[str, set[str] | None] = {}
    for rel in documents(skill):
        text = skill.folder.text(rel)
        if text is None:
            continue
        first = 1
        if rel == skill.md:
            text, first = skill.body, skill.body_first_line
            if len(text.split("\n")) > MAX_BODY_LINES:
                skill.add("body-too-long", rel, first, f"the body has {len(text.splitlines())} lines; keep SKILL.md under {MAX_BODY_LINES} and move details to references/")
        if len(text) > MAX_MARKDOWN_BYTES:
            skill.add("file-too-large", rel, 1, f"{len(text)} characters; Markdown checks stop at {MAX_MARKDOWN_BYTES}")
            continue
        codes, links = markdown.walk(text, first)
        for link in links:
            _link(skill, rel, link)
        for code in codes:
            _code(skill, rel, code, consoles, flags_cache)


TEMPLATE = re.compile(r"\{[^}]*\}|\$\{?[A-Za-z_]|<[^>]*>|%7[Bb]|\[\[|\*")
SKILL_ROOT = re.compile(r"^(?:\{\{?\s*(?:baseDir|base_dir|skillDir|skill_dir|SKILL_DIR|skill_root)\s*\}?\}|\$\{?(?:CLAUDE_PLUGIN_ROOT|SKILL_DIR|SKILL_ROOT|BASE_DIR|baseDir)\}?)/")


def _exists(skill: Skill, target: str) -> bool:
    return skill.folder.has(target) or any(f.startswith(target.rstrip("/") + "/") for f in skill.folder.files)


def _link(skill: Skill, rel: str, link: markdown.Link) -> None:
    parts = urlsplit(link.href)
    if parts.scheme or parts.netloc or link.href.startswith("#") or not parts.path:
        return
    path = unquote(parts.path)
    templated = SKILL_ROOT.match(path) is not None
    if not templated and TEMPLATE.search(path):
        return  # a placeholder such as {baseDir}/x or <your-file>, not a real link
    if path.startswith(("/", "~")) or ":" in path.split("/", 1)[0]:
        return  # absolute, home-relative, or not a path at all (0:12, C:...)
    target = posixpath.normpath(posixpath.join("" if templated else posixpath.dirname(rel), SKILL_ROOT.sub("", path)))
    if target == ".." or target.startswith("../"):
        skill.add("link-outside", rel, link.line, f"link target {link.href} leaves the skill folder (a sibling skill?); it is not checked and will not ship with the skill")
    elif _exists(skill, target) or (not templated and _exists(skill, posixpath.normpath(path))):
        return  # agents open paths from the skill root, so references/x.md written there resolves too
    elif "." in path or "/" in path:  # a bare word is a placeholder
        skill.add("link-broken", rel, link.line, f"link target {link.href} does not exist in the skill")


ELLIPSIS = re.compile(r"\.\.\.|…|<[^<>\n]{1,60}>|\{\{|//|/\*|#")
SHELL_START = re.compile(r"^\s*(\$ |%|!|pip |uv |npm |python3? -m |export |cd |>>>)")


def _python_program(text: str) -> str | None:
    """The block as a program, or None when it is an illustration: a fragment, a notebook cell
    with magics, a console session, or shell lines in a python fence."""
    lines = text.split("\n")
    if any(SHELL_START.match(line) for line in lines) or (lines and lines[0][:1] in (" ", "\t")):
        return None
    if re.search(r"<\w[\w -]*>", text):
        return None  # <placeholder> tokens
    return text


def _python_problem(program: str) -> tuple[int, str] | None:
    """(line, message) of the parse error of a python block, remembered by its hash."""
    from .memo import MISSING, digest, memo

    key = digest(program)
    stored = memo().get("pyblock", key)
    if stored is MISSING:
        stored = None
        try:
            ast.parse(program)
        except SyntaxError as exc:
            if not (exc.msg or "").startswith("f-string"):
                stored = [exc.lineno or 1, exc.msg]
        except (ValueError, RecursionError):
            pass
        memo().put("pyblock", key, stored)
    return (stored[0], stored[1]) if stored else None


def _json_document(text: str) -> bool:
    """Worth parsing as one JSON document: not JSON Lines, not elided or commented."""
    if ELLIPSIS.search(text):
        return False
    lines = [line for line in text.strip().split("\n") if line.strip()]
    if len(lines) > 1 and all(line.strip()[:1] in "{[" and line.strip()[-1:] in "}]" for line in lines):
        return False  # JSON Lines: one document per line
    return bool(lines)


def _code(skill: Skill, rel: str, code: markdown.Code, consoles: dict[str, str], cache: dict[str, set[str] | None]) -> None:
    if code.lang in ("python", "py", "python3"):
        program = _python_program(code.text)
        if program is None:
            return
        problem = _python_problem(program)
        if problem is not None:
            line, message = problem
            skill.add("code-python", rel, code.line + line - 1, f"python block does not parse: {message} (mark fragments with '...' or use another fence)")
        return
    if code.lang in ("json", "jsonc", "json5"):
        if code.lang != "json" or not _json_document(code.text):
            return
        try:
            json.loads(code.text)
        except RecursionError:
            pass
        except ValueError as exc:
            line = getattr(exc, "lineno", 1)
            skill.add("code-json", rel, code.line + line - 1, f"json block is not valid JSON: {getattr(exc, 'msg', exc)} (use a jsonc fence for commented examples)")
        return
    if code.lang not in SHELL_LANGS or (not code.fenced and not COMMAND_START.match(code.text)):
        return
    for line, text in markdown.lines(code):
        _commands(skill, rel, line, text, consoles, cache)
        _curl_payload(skill, rel, line, text)
        _base_url(skill, rel, line, text)


def _tokens(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=True)
    except ValueError:
        return text.split()


def _segments(tokens: list[str]) -> list[list[str]]:
    segments: list[list[str]] = []
    current: list[str] = []
    for token in tokens:
        if token in ("|", "||", "&&", ";", "&"):
            segments.append(current)
            current = []
        else:
            current.append(token)
    segments.append(current)
    return segments


def _script_path(skill: Skill, token: str) -> str | None:
    """The skill-relative path of a script a command runs, or None when it is not one of this
    skill's scripts (another skill's, an absolute path, a placeholder)."""
    path = SKILL_ROOT.sub("", token)
    name = skill.fm.get("name")
    for home in ("~/.claude/skills/", "~/.codex/skills/", "~/.openclaw/skills/", ".claude/skills/", ".agents/skills/", "~/.agents/skills/"):
        if isinstance(name, str) and path.startswith(f"{home}{name}/"):
            path = path[len(home) + len(name) + 1 :]
    path = path.removeprefix("./")
    if path.startswith(("/", "~", "..")) or TEMPLATE.search(path) or not path.endswith(".py") or not path.startswith("scripts/"):
        return None
    return posixpath.normpath(path)


def _commands(skill: Skill, rel: str, line: int, text: str, consoles: dict[str, str], cache: dict[str, set[str] | None]) -> None:
    for segment in _segments(_tokens(text)):
        for index, token in enumerate(segment):
            script = None
            if token.endswith(".py") and "scripts/" in token:
                script = _script_path(skill, token)
                if script is None:
                    break
                if not skill.folder.has(script):
                    skill.add("command-unknown-script", rel, line, f"documented command runs {token}, which is not in the skill")
                    break
            elif token in consoles:
                script = consoles[token]
            if script is None:
                continue
            if script not in cache:
                cache[script] = pysource.flags_of_script(skill.folder, script)
            known = cache[script]
            if known is None:
                break
            for arg in segment[index + 1 :]:
                if arg == "--":
                    break
                if not arg.startswith("-") or arg == "-" or _is_number(arg) or not FLAG.match(arg.split("=", 1)[0]):
                    continue
                flag = arg.split("=", 1)[0]
                if flag not in known:
                    skill.add("command-unknown-flag", rel, line, f"{script.rsplit('/', 1)[-1]} has no flag {flag}")
            break


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _curl_payload(skill: Skill, rel: str, line: int, text: str) -> None:
    tokens = _tokens(text)
    if "curl" not in tokens:
        return
    for flag, value in itertools.pairwise(tokens):
        if flag in ("-d", "--data", "--data-raw", "--json", "--data-binary") and value.lstrip()[:1] in ("{", "[") and value.rstrip()[-1:] in ("}", "]") and not re.search(r"\{\{|\$|<\w[^<>]*>", value) and not ELLIPSIS.search(value):
            try:
                json.loads(value)
            except ValueError as exc:
                skill.add("code-json", rel, line, f"curl payload is not valid JSON: {getattr(exc, 'msg', exc)}")


def declared_base(skill: Skill) -> str | None:
    api = skill.mf.get("api")
    base = api.get("base_url") if isinstance(api, dict) else None
    return base.rstrip("/") if isinstance(base, str) else None


def _base_url(skill: Skill, rel: str, line: int, text: str) -> None:
    base = declared_base(skill)
    if base is None:
        return
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    for match in BASE_ASSIGN.finditer(text):
        value = match.group(1).rstrip("/")
        if value != base and not LOOPBACK.match(value):
            skill.add("base-url-mismatch", rel, line, f"example base URL {value} differs from the declared default {base}")
    if "curl" in text:
        for url in URL.findall(text):
            if not url.startswith(origin) and not LOOPBACK.match(url):
                skill.add("base-url-mismatch", rel, line, f"curl example calls {url.split('?')[0]}, outside the declared API origin {origin}")
