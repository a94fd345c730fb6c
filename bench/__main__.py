"""`python -m bench` / `make bench`: run every benchmark module in bench/ (each has `main()`)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    folder = Path(__file__).parent
    names = sorted(
        module.name
        for module in pkgutil.iter_modules([str(folder)])
        if not module.name.startswith("_")
    )
    code = 0
    for name in names:
        print(f"== bench.{name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        code = module.main([]) or code
    return code


if __name__ == "__main__":
    sys.exit(main())
