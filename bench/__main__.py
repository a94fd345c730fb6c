"""`python -m bench` / `make bench`: run every benchmark module in bench/ (each has `main()`).

`python -m bench NAME [ARGS...]` runs one of them with its own arguments, e.g.
`python -m bench poll_burst --backends sqlite`. Modules without `main` (bench/harness.py,
bench/summary.py) are helpers, not benchmarks. Run all, the output ends with one table of every
benchmark's rows (bench/summary.py).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import pkgutil
import sys
from pathlib import Path
from types import ModuleType
from typing import TextIO

from bench.harness import machine
from bench.summary import Summary


def benchmarks() -> dict[str, ModuleType]:
    """Every module in bench/ that has a `main(argv)`, by name."""
    folder = Path(__file__).parent
    found = {}
    for info in sorted(pkgutil.iter_modules([str(folder)]), key=lambda info: info.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if callable(getattr(module, "main", None)):
            found[info.name] = module
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    known = benchmarks()
    if args:
        name, rest = args[0], args[1:]
        if name not in known:
            print(f"no benchmark {name!r}; there are: {', '.join(known)}", file=sys.stderr)
            return 2
        code: int = known[name].main(rest) or 0
        return code
    code = 0
    summary = Summary()
    for name, module in known.items():
        print(f"== bench.{name}", flush=True)
        seen = _Tee(sys.stdout)
        with contextlib.redirect_stdout(seen):
            result = module.main([]) or 0
        summary.add(name, seen.getvalue(), result)
        code = result or code
    print("== summary", flush=True)
    print(summary.table(machine()))
    return code


class _Tee(io.StringIO):
    """Keeps what is written and passes it on to `out` as it comes."""

    def __init__(self, out: TextIO) -> None:
        super().__init__()
        self._out = out

    def write(self, text: str) -> int:
        self._out.write(text)
        self._out.flush()
        return super().write(text)


if __name__ == "__main__":
    sys.exit(main())
