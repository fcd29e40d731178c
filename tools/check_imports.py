"""Import rules that ruff and import-linter do not check, run by `make lint`.

1. No module imports another module's private name: neither `from events.editing import
   _snapshot` nor `editing._snapshot(...)` after `from events import editing`. A helper that
   two modules need gets a public name in the module that owns it.
2. Every import outside a module's top level (ruff's PLC0415) says why, with one of the reasons
   of `docs/conventions.md` (« Imports inside a function »):
   `from .ratelimit import parse_limits  # noqa: PLC0415 - app registry`.

Usage: `python tools/check_imports.py [paths…]` (default: the apps and the tests). Exit 1 with
one line per offence.
"""

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = (
    "moisinno",
    "organizers",
    "labs",
    "events",
    "programme",
    "organizer_space",
    "demo",
    "alerts",
)
DEFAULT_PATHS = (*APPS, "tests", "bench", "tools")

#: The closed list of reasons an import may stand inside a function (docs/conventions.md).
INLINE_IMPORT_REASONS = {
    "task body": "a task imports what it runs, so the tasks module stays a leaf",
    "app registry": "runs once the apps are loaded (AppConfig.ready, a system check), or in "
    "a module that settings import before they are",
    "optional dependency": "a package that only some installs have, or that only a rare "
    "path needs (openpyxl for XLSX, the demo app, a test tool)",
    "test setup": "a test reads a module after its settings are overridden or a server is started",
}
NOQA = re.compile(r"#\s*noqa:[^#]*\bPLC0415\b(?P<rest>[^#]*)")


def python_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for name in paths:
        path = (ROOT / name).resolve()
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += sorted(p for p in path.rglob("*.py") if "migrations" not in p.parts)
    return files


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def resolve(module: str | None, level: int, here: str, is_package: bool) -> str:
    """The absolute name of `from <level dots><module> import …` written in module `here`."""
    if level == 0:
        return module or ""
    base = here.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join([*base, module] if module else base)


def is_project_module(name: str) -> bool:
    if not name or name.split(".")[0] not in (*APPS, "tests", "bench", "tools"):
        return False
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def private_imports(path: Path, tree: ast.Module) -> list[str]:
    here = module_name(path)
    is_package = path.name == "__init__.py"
    problems: list[str] = []
    modules: dict[str, str] = {}  # a local name bound to a project module -> its full name
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = resolve(node.module, node.level, here, is_package)
            for alias in node.names:
                full = f"{source}.{alias.name}"
                if is_project_module(full):
                    modules[alias.asname or alias.name] = full
                elif is_private(alias.name) and source != here and is_project_module(source):
                    problems.append(
                        f"{path.relative_to(ROOT)}:{node.lineno}: imports the private name "
                        f"{alias.name} of {source}"
                    )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and is_project_module(alias.name):
                    modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and is_private(node.attr)
            and modules[node.value.id] != here
        ):
            problems.append(
                f"{path.relative_to(ROOT)}:{node.lineno}: uses the private name {node.attr} "
                f"of {modules[node.value.id]}"
            )
    return problems


def unexplained_inline_imports(path: Path, source: str) -> list[str]:
    problems: list[str] = []
    for number, line in enumerate(source.splitlines(), start=1):
        match = NOQA.search(line)
        if not match:
            continue
        reason = match["rest"].strip(" -–—:").strip()
        if reason not in INLINE_IMPORT_REASONS:
            problems.append(
                f"{path.relative_to(ROOT)}:{number}: an import inside a function needs one of "
                f"the reasons of docs/conventions.md after « # noqa: PLC0415 - »: "
                f"{', '.join(sorted(INLINE_IMPORT_REASONS))} (found {reason!r})"
            )
    return problems


def main(argv: list[str]) -> int:
    problems: list[str] = []
    for path in python_files(argv or list(DEFAULT_PATHS)):
        if path == Path(__file__).resolve():
            continue  # its docstring shows the comment it looks for
        source = path.read_text(encoding="utf-8")
        problems += private_imports(path, ast.parse(source, filename=str(path)))
        problems += unexplained_inline_imports(path, source)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} import problem(s): see docs/conventions.md, « Imports ».")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
