"""Time the phases of `make test`: `python -m tools.timed NAME -- COMMAND [ARGS...]`.

Each phase prints its duration when it ends and is added to build/timings.tsv; `--reset`
empties that tally, `--summary` prints it as a table. A failing phase prints the tally so far
and exits with the command's code. Standard library only (it runs before the venv exists).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

TALLY = Path(__file__).resolve().parent.parent / "build" / "timings.tsv"


def run(name: str, command: list[str]) -> int:
    print(f"\n=== {name}: {' '.join(command)}", flush=True)
    started = time.monotonic()
    code = subprocess.call(command)
    seconds = time.monotonic() - started
    status = "ok" if code == 0 else f"FAILED ({code})"
    TALLY.parent.mkdir(parents=True, exist_ok=True)
    with TALLY.open("a", encoding="utf-8") as tally:
        tally.write(f"{name}\t{seconds:.1f}\t{status}\n")
    print(f"=== {name}: {status} in {seconds:.1f} s", flush=True)
    if code != 0:
        summary()
    return code


def summary() -> None:
    if not TALLY.exists():
        return
    rows = [line.split("\t") for line in TALLY.read_text("utf-8").splitlines()]
    total = sum(float(seconds) for _, seconds, _ in rows)
    width = max(len(name) for name, _, _ in [*rows, ["total", "", ""]])
    print(f"\n{'phase'.ljust(width)}   seconds  status")
    for name, seconds, status in rows:
        print(f"{name.ljust(width)}  {float(seconds):8.1f}  {status}")
    print(f"{'total'.ljust(width)}  {total:8.1f}", flush=True)


def main(argv: list[str]) -> int:
    if argv == ["--reset"]:
        TALLY.unlink(missing_ok=True)
        return 0
    if argv == ["--summary"]:
        summary()
        return 0
    if len(argv) >= 3 and argv[1] == "--":
        return run(argv[0], argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
