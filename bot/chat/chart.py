"""A PNG step chart of one fact's values over time (matplotlib's object API, no pyplot state);
each change is marked by the language of the source that moved the fact (a circle: English, a
square: Chinese), with a legend. matplotlib is imported when a chart is drawn, not when the
bot starts: a worker that never draws one does not carry it (about 26 MiB a process)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import Any

from bot.facts.model import Fact, FactKind

_MARKERS = {"en": ("o", "#2c3e50", "moved by an English source"),
            "zh": ("s", "#d35400", "moved by a Chinese source")}  # fmt: skip


def history_chart(
    fact: Fact, changes: Sequence[tuple[datetime, Any]], languages: Sequence[str] = ()
) -> bytes:
    """Baseline at its date, then each change; numbers for percent facts, levels otherwise.
    ``languages``: the language of the source of each change (``en``, ``zh``)."""
    start = datetime.combine(fact.as_of, time.min, tzinfo=UTC)
    points = [(start, fact.baseline), *changes]
    points.append((max(datetime.now(UTC), points[-1][0]), points[-1][1]))
    when = [p[0] for p in points]
    if fact.kind is FactKind.PERCENT:
        values: list[float] = [float(p[1]) for p in points]
        labels: list[str] | None = None
    else:
        labels = list(dict.fromkeys([*fact.states, *(str(p[1]) for p in points)]))
        values = [float(labels.index(str(p[1]))) for p in points]
    from matplotlib.figure import Figure  # drawn on demand (see the module docstring)

    figure = Figure(figsize=(7, 3), dpi=100)
    axes = figure.subplots()
    axes.step(when, values, where="post", color="#c0392b", linewidth=2)  # type: ignore[arg-type]
    for language, (marker, colour, label) in _MARKERS.items():
        moved = [i + 1 for i, lang in enumerate(languages) if lang == language]
        if moved:
            xs: Any = [when[i] for i in moved]
            axes.scatter(xs, [values[i] for i in moved], marker=marker, color=colour,
                         zorder=3, label=label)  # fmt: skip
    if languages:
        axes.legend(loc="best", fontsize=8)
    axes.set_title(fact.label, fontsize=10)
    if labels is not None:
        axes.set_yticks(range(len(labels)), labels)
    else:
        axes.set_ylabel("%")
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
