"""The one table `make bench` ends with: every row of every benchmark's own table, one line
each, with its figures as `column value` pairs.

Benchmarks need not cooperate: `python -m bench` keeps what each one printed and reads the
Markdown tables in it (`tables_in`), so a benchmark added later is in the summary as soon as it
prints a table. Not a benchmark itself (no `main`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _is_rule(line: str) -> bool:
    cells = _cells(line)
    return bool(cells) and all(set(cell) <= set(":-") and cell for cell in cells)


def tables_in(text: str) -> list[Table]:
    """The Markdown tables (a header line, a `|---|` rule, rows) in what a benchmark printed."""
    lines = text.splitlines()
    tables: list[Table] = []
    index = 0
    while index < len(lines) - 1:
        line, rule = lines[index].strip(), lines[index + 1].strip()
        if line.startswith("|") and rule.startswith("|") and _is_rule(rule):
            table = Table(_cells(line))
            index += 2
            while index < len(lines) and lines[index].strip().startswith("|"):
                table.rows.append(_cells(lines[index]))
                index += 1
            tables.append(table)
            continue
        index += 1
    return tables


@dataclass
class Summary:
    """What each benchmark printed, in the order they ran."""

    outputs: dict[str, str] = field(default_factory=dict)
    exit_codes: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, output: str, exit_code: int) -> None:
        self.outputs[name] = output
        self.exit_codes[name] = exit_code

    def table(self, machine: str) -> str:
        lines = [
            f"All benchmarks, one row per measured subject; {machine}",
            "",
            "| benchmark | subject | figures | bar |",
            "|---|---|---|---|",
        ]
        for name, output in self.outputs.items():
            bar = "passed" if self.exit_codes.get(name, 0) == 0 else "**FAILED**"
            tables = tables_in(output)
            if not tables:
                lines.append(f"| {name} | – | (no table printed) | {bar} |")
            for table in tables:
                for row in table.rows:
                    subject, figures = row[0], zip(table.header[1:], row[1:], strict=False)
                    text = " · ".join(f"{column} {value}" for column, value in figures)
                    lines.append(f"| {name} | {subject} | {text} | {bar} |")
        return "\n".join(lines)


__all__ = ["Summary", "Table", "tables_in"]
