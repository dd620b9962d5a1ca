"""Family 6, review signals: warnings that a maintainer should look at, never blocking a merge.

* `unusual-margin`: a result that is first on its leaderboard by a margin larger than the whole
  improvement the leaderboard's other results made over time (see UNUSUAL_MARGIN for the rule).
* `result-before-paper`: a result evaluated before its paper was published.
* `value-changed` / `result-removed` (only with `--changed-since REF`, when `repo.base` is the
  repository at REF): every value the change alters and every result it removes, as MTEB's
  results repository refuses silent score changes.

Results are matched between the base and the head by paper (its file's id, or failing that its
arXiv id or DOI), model name (without case and extra spaces), task and dataset; metric names
are compared after alias normalisation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from validator.checks.duplicates import identifiers
from validator.checks.metrics import Row, results_index, same_value
from validator.checks.registry import code, repository_check
from validator.model.inputs import PaperFile
from validator.report.problem import Problem

if TYPE_CHECKING:  # the loader imports the check modules: no import cycle at run time
    from validator.load.repository import Entry, Repository

MIN_OTHERS = 3  # results of other papers a leaderboard needs to have a history
MIN_RELATIVE_MARGIN = 0.01  # and the margin must be at least 1% of the previous best

UNUSUAL_MARGIN = code(
    "unusual-margin",
    "warning",
    "review",
    "A result takes first place on its leaderboard by an unusual margin.",
    f"""
    The rule, from the leaderboard's own history: take the results of the leaderboard from
    other papers than the first place's (at least {MIN_OTHERS}) that report its primary metric,
    in `evaluated_on` order; their progress is how far the best of them is ahead of the
    earliest one. The first place (in the metric's direction) is flagged when its margin over
    the best of them is larger than that whole progress, and at least
    {MIN_RELATIVE_MARGIN:.0%} of that best: one result would move the leaderboard more than
    everything before it did. Often right (a new method, extra training data), sometimes a
    wrong scale, split or direction; a maintainer checks the paper. With `--changed-since`, a
    first place whose value is unchanged from the base revision is not flagged again.
    """,
    "# leaderboard F1: 85.0 (2018), 86.1 (2019), 86.9 (2019)\n    metrics: {F1: 97.3}   # +10.4; history: +1.9",
    "    metrics: {F1: 87.4}",
)

RESULT_BEFORE_PAPER = code(
    "result-before-paper",
    "warning",
    "review",
    "A result's `evaluated_on` date is before its paper was published.",
    """
    `evaluated_on` (default: the paper's `published` date) says when a result was reported; a
    result dated before its own paper is usually a typo in either date. Partial dates are
    compared as ranges: `2019-09` is before `2019-10-01` but not before `2019-09-26`.
    """,
    "paper: {published: 2019-09-26}\n  - evaluated_on: 2018-09-26",
    "paper: {published: 2019-09-26}\n  - evaluated_on: 2019-09-26",
)

VALUE_CHANGED = code(
    "value-changed",
    "warning",
    "review",
    "A change alters (or drops) a metric value that is on the base revision.",
    """
    With `--changed-since REF`, every value of an existing result that the change alters, and
    every metric it drops from a result, is shown to maintainers with its old value, so that
    no published score changes silently. Expected when a paper's new version corrects a table;
    say so in the pull request.
    """,
    "# main: metrics: {EM: 85.1, F1: 88.1}\n    metrics: {EM: 86.1, F1: 88.1}",
    "# main: metrics: {EM: 85.1, F1: 88.1}\n    metrics: {EM: 85.1, F1: 88.1}",
)

RESULT_REMOVED = code(
    "result-removed",
    "warning",
    "review",
    "A change removes a result that is on the base revision.",
    """
    With `--changed-since REF`, every result present at REF and gone after the change is
    reported: at the paper file's `results` line when the file remains, or at the removed file
    (with no line) when the file was deleted. A renamed model counts as a removed result and a
    new one.
    """,
    "# main: ALBERT xxlarge on question-answering/squad2.0-dev; the pull request deletes the row",
    "# keep the row, or explain in the pull request why it goes",
)


def _date_range(value: str) -> tuple[str, str]:
    """The first and last day a partial date can be (as sortable strings)."""
    if len(value) == 4:
        return value + "-01-01", value + "-12-31"
    if len(value) == 7:
        return value + "-01", value + "-31"  # an upper bound is enough for ordering
    return value, value


@repository_check
def check_result_dates(repo: Repository) -> Iterator[Problem]:
    for row in results_index(repo).rows:
        evaluated = row.result.evaluated_on
        if evaluated is None:
            continue
        published = row.paper.model.paper.published
        if _date_range(evaluated)[1] < _date_range(published)[0]:
            yield RESULT_BEFORE_PAPER(
                row.file,
                row.at("evaluated_on"),
                f"{row.result.model!r} is dated {evaluated}, before its paper was published ({published})",
                "check both dates; evaluated_on can be left out when it is the publication date",
            )


@repository_check
def check_unusual_margin(repo: Repository) -> Iterator[Problem]:
    unchanged = _unchanged_keys(repo)
    for (task, ds_id), rows in sorted(results_index(repo).boards.items()):
        declared = repo.declared[ds_id]
        primary = declared.resolve(declared.primary) if declared.primary else None
        if primary is None or primary.direction is None:
            continue
        sign = 1.0 if primary.direction == "higher" else -1.0
        scored = [(row, sign * value) for row in rows if (value := row.number(primary.name)) is not None]
        if len(scored) <= MIN_OTHERS:
            continue
        best_row, best = max(scored, key=lambda s: s[1])
        # The state of the art it beats is that of the other papers (a paper's own smaller models
        # are not a history).
        others = [s for s in scored if s[0].file != best_row.file]
        if len(others) < MIN_OTHERS:
            continue
        runner, runner_up = max(others, key=lambda s: s[1])
        margin = best - runner_up
        if margin <= 0 or margin < MIN_RELATIVE_MARGIN * abs(runner_up):
            continue  # most leaderboards stop here, before any date is looked at
        if best_row.context:
            continue  # a file a PR check did not load: not reported on
        earliest = min(others, key=lambda s: (s[0].when, s[0].file, s[0].index))
        progress = runner_up - earliest[1]
        if progress <= 0 or margin <= progress:
            continue
        if _primary_unchanged(unchanged.get(_key(best_row)), best_row, primary.name):
            continue
        name = primary.name
        yield UNUSUAL_MARGIN(
            best_row.file,
            best_row.metric_at(name),
            f"{best_row.result.model!r} would be first on {task}/{ds_id} with {name} {best_row.text(name)}, "
            f"{margin:.3g} ahead of {runner.result.model!r} ({runner.text(name)}); the {len(others)} results "
            f"of other papers improved by {progress:.3g} in all, from the earliest to the best",
            "a maintainer should check the value, its scale and its split against the paper",
        )


# --------------------------------------------------------------------------------------------
# Changes against the base revision


def _key(row: Row) -> tuple[str, str, str, str]:
    return (row.paper.id, row.model_key, row.result.task, row.result.dataset)


def _unchanged_keys(repo: Repository) -> dict[tuple[str, str, str, str], Row]:
    if repo.base is None:
        return {}
    return {_key(row): row for row in results_index(repo.base).rows}


def _primary_unchanged(base: Row | None, row: Row, name: str) -> bool:
    if base is None or name not in base.metrics or name not in row.metrics:
        return False
    return same_value(base.metrics[name], row.metrics[name])


@repository_check
def check_changes(repo: Repository) -> Iterator[Problem]:
    base = repo.base
    if base is None:
        return
    head_rows: dict[str, dict[tuple[str, str, str], list[Row]]] = defaultdict(lambda: defaultdict(list))
    for row in results_index(repo).rows:
        head_rows[row.file][(row.model_key, row.result.task, row.result.dataset)].append(row)
    by_id: dict[str, Entry[PaperFile]] = {p.id: p for p in repo.papers}
    by_ident: dict[str, Entry[PaperFile]] = {}
    for paper in sorted(repo.papers, key=lambda p: p.file):
        for _field, ident in identifiers(paper.model):
            by_ident.setdefault(ident, paper)
    present = set(repo.files)
    used: dict[tuple[str, tuple[str, str, str]], int] = defaultdict(int)

    base_by_file: dict[str, list[Row]] = defaultdict(list)
    for row in results_index(base).rows:
        base_by_file[row.file].append(row)
    for base_file, rows in sorted(base_by_file.items()):
        paper = by_id.get(rows[0].paper.id) or next(
            (by_ident[i] for _f, i in identifiers(rows[0].paper.model) if i in by_ident), None
        )
        if paper is None:
            if base_file in present:
                continue  # the file is still there but does not load: its errors say why
            for row in rows:
                yield RESULT_REMOVED(
                    base_file,
                    None,
                    f"{row.label()} ({_metrics_text(row)}) is removed: the file {base_file} was deleted",
                    "keep the file, or say in the pull request why its results go",
                )
            continue
        matches = head_rows.get(paper.file, {})
        for row in rows:
            key3 = (row.model_key, row.result.task, row.result.dataset)
            n = used[(paper.file, key3)]
            candidates = matches.get(key3, [])
            if n >= len(candidates):
                yield RESULT_REMOVED(
                    paper.file,
                    paper.doc.at(("results",)),
                    f"{row.label()} ({_metrics_text(row)}) is on the base revision and this change removes it",
                    "keep the result, or say in the pull request why it goes",
                )
                continue
            used[(paper.file, key3)] = n + 1
            yield from _compare(row, candidates[n], repo)


def _compare(old: Row, new: Row, repo: Repository) -> Iterator[Problem]:
    declared = repo.declared.get(new.result.dataset)
    for old_name, value in old.metrics.items():
        # A metric renamed in the dataset (the old name kept as an alias) is still the same metric.
        metric = declared.resolve(old_name) if declared is not None else None
        name = metric.name if metric is not None else old_name
        if name not in new.metrics:
            yield VALUE_CHANGED(
                new.file,
                new.at("metrics"),
                f"{new.result.model!r}: {name} {old.text(old_name)} is on the base revision and this change drops it",
                "keep the value, or say in the pull request why it goes",
            )
        elif not same_value(value, new.metrics[name]):
            yield VALUE_CHANGED(
                new.file,
                new.metric_at(name),
                f"{new.result.model!r}: {name} changes from {old.text(old_name)} (base revision) to {new.text(name)}",
                "say in the pull request where the new value comes from (a new version of the paper?)",
            )


def _metrics_text(row: Row) -> str:
    return ", ".join(f"{n} {row.text(n)}" for n in row.metrics) or "no metrics"

