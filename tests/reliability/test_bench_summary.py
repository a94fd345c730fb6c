"""`make bench` ends with one table made of every benchmark's own tables (bench/summary.py)."""

from __future__ import annotations

from bench.summary import Summary, tables_in

POLL_BURST = """300 distinct people answer one poll at once; Intel Xeon, 2 CPUs

| bot | p50 ms | p99 ms | answers stored |
|---|---:|---:|---:|
| botbuilder invoke baseline | 1494 | 2818 | – |
| IYO WORK app, sqlite | 2567 | 5413 | 300 |

Two more runs minutes later.
"""


def test_every_row_of_every_benchmarks_table_is_in_the_summary() -> None:
    summary = Summary()
    summary.add("poll_burst", POLL_BURST, 1)
    summary.add("quiet", "nothing to tabulate\n", 0)

    table = summary.table("a machine")

    [burst] = tables_in(POLL_BURST)
    assert burst.header == ["bot", "p50 ms", "p99 ms", "answers stored"]
    assert len(burst.rows) == 2
    lines = table.splitlines()
    assert lines[0] == "All benchmarks, one row per measured subject; a machine"
    assert (
        "| poll_burst | IYO WORK app, sqlite | p50 ms 2567 · p99 ms 5413 · answers stored 300 "
        "| **FAILED** |"
    ) in lines
    assert "| quiet | – | (no table printed) | passed |" in lines
    [summarised] = tables_in(table)
    assert len(summarised.rows) == 3
