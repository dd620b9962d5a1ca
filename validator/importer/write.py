"""Write an import plan into a repository: new files whole, additions to existing files without
dropping what they hold (paper results are appended as text; a dataset gains tasks and metrics)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from validator import atomic
from validator.importer import emit
from validator.importer.convert import Plan
from validator.load.repository import Repository

TASK_SCHEMA = "../../schemas/task.schema.json"
DATASET_SCHEMA = "../../schemas/dataset.schema.json"
PAPER_SCHEMA = "../../../schemas/paper.schema.json"


def _write(path: Path, text: str) -> None:
    atomic.write_text(path, text)


def _checked_write(root: Path, rel: str, text: str, report) -> bool:
    """Write `rel` only if the project's own loader and schema accept the text: a bug in the
    importer becomes a line of the report, never a file that breaks the repository."""
    from validator.load.repository import load_file

    _kind, model, _doc, problems = load_file(rel, text.encode("utf-8"))
    bad = [p for p in problems if p.severity == "error"]
    if model is None or bad:
        first = bad[0] if bad else None
        why = f"{first.code}: {first.message}" if first else "it does not load"
        report.unwritten.append({"file": rel, "detail": f"not written: the validator would reject it ({why})"})
        return False
    _write(root / rel, text)
    return True


def _clean_result(result: dict) -> dict:
    return {k: v for k, v in result.items() if not k.startswith("_")}


def task_text(data: dict) -> str:
    data = dict(data)
    if "description" in data:
        data["description"] = emit.Block(data["description"])
    if "synonyms" in data:
        data["synonyms"] = emit.Flow(data["synonyms"])
    return emit.document(data, TASK_SCHEMA)


def dataset_text(data: dict) -> str:
    data = dict(data)
    if "description" in data:
        data["description"] = emit.Block(data["description"])
    data["tasks"] = emit.Flow(list(data["tasks"]))
    data["metrics"] = [_metric(m) for m in data["metrics"]]
    return emit.document(data, DATASET_SCHEMA)


def _metric(m: dict) -> dict:
    m = dict(m)
    if "range" in m and isinstance(m["range"], list):
        m["range"] = emit.Flow(m["range"])
    return m


def paper_text(data: dict) -> str:
    paper = dict(data["paper"])
    if "authors" in paper:
        paper["authors"] = emit.Flow(paper["authors"])
    if "abstract" in paper:
        paper["abstract"] = emit.Block(paper["abstract"])
    if "published" in paper:
        paper["published"] = _date(paper["published"])
    results = [_clean_result(r) for r in data["results"]]
    return emit.document({"paper": paper, "results": results}, PAPER_SCHEMA)


def _date(text: str) -> emit.Num | str:
    # A full date is a YAML date and a year a YAML int; `2019-09` must be quoted to stay a string.
    return emit.Num(text) if len(text) in (4, 10) else emit.Num(emit.quoted(text))


def apply(plan: Plan, root: Path, repo: Repository, progress: Callable[[int, int], None] | None = None) -> None:
    """Write the plan; `progress(done, total)` is called as files are written."""
    report = plan.report
    total = len(plan.tasks) + len(plan.datasets) + len(plan.dataset_updates) + len(plan.papers) + len(
        plan.paper_additions)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and (done % 500 == 0 or done == total):
            progress(done, total)

    for kind, folder, items, text_of in (
        ("task", "tasks", plan.tasks, task_text),
        ("dataset", "datasets", plan.datasets, dataset_text),
    ):
        for entity_id, data in sorted(items.items()):
            tick()
            rel = f"results/{folder}/{entity_id}.yaml"
            if (root / rel).exists():
                report.structure(f"{rel} exists but could not be read as a {kind}; left as it is")
                continue
            if _checked_write(root, rel, text_of(data), report):
                report.created.append(rel)
    for did, add in sorted(plan.dataset_updates.items()):
        tick()
        entry = repo.datasets[did]
        if _checked_write(root, entry.file, _updated_dataset(root / entry.file, entry.doc, add), report):
            report.updated.append(entry.file)
    for rel, data in sorted(plan.papers.items()):
        tick()
        if not data["results"]:
            continue
        if _checked_write(root, rel, paper_text(data), report):
            report.created.append(rel)
    by_file = {p.file: p for p in repo.papers}
    for rel, results in sorted(plan.paper_additions.items()):
        tick()
        if not results:
            continue
        entry = by_file[rel]
        text = _appended_paper(root / rel, entry.doc, [_clean_result(r) for r in results])
        if _checked_write(root, rel, text, report):
            report.updated.append(rel)


def _leading_comments(text: str) -> str:
    out = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            out.append(line)
        else:
            break
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def _updated_dataset(path: Path, doc, add: dict) -> str:
    """The dataset re-written from its own data (numbers as written) plus the new tasks and metrics;
    the leading comment block is kept."""
    text = path.read_text(encoding="utf-8")
    data = emit.from_doc(doc.data, doc.raw)
    assert isinstance(data, dict)
    tasks = data.get("tasks")
    items = list(tasks.value) if isinstance(tasks, emit.Flow) else list(tasks or [])
    data["tasks"] = emit.Flow(items + [t for t in add["tasks"] if t not in items])
    metrics = data.get("metrics")
    metrics = list(metrics.value) if isinstance(metrics, emit.Flow) else list(metrics or [])
    data["metrics"] = metrics + [_metric(m) for m in add["metrics"]]
    if "description" in data and isinstance(data["description"], str):
        data["description"] = emit.Block(data["description"])
    body = "\n".join(emit.lines(data)) + "\n"
    head = _leading_comments(text)
    if "yaml-language-server" not in head:
        head = f"# yaml-language-server: $schema={DATASET_SCHEMA}\n" + head
    return head + body


def _appended_paper(path: Path, doc, results: list[dict]) -> str:
    """The paper file with new results appended under `results:` as text when the list is a block
    list at the end of the file (the usual layout); otherwise re-written from its data."""
    text = path.read_text(encoding="utf-8")
    data = doc.data
    keys = list(data) if isinstance(data, dict) else []
    existing = data.get("results") if isinstance(data, dict) else None
    lines = text.split("\n")
    if keys and keys[-1] == "results" and isinstance(existing, list) and existing:
        line_no, col = doc.pos.get(("results", 0), (0, 0))
        line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
        dash = line.find("-")
        if 0 <= dash < col - 1 and line[:dash].strip() == "" and line[dash + 1 : col - 1].strip() == "":
            if not text.endswith("\n"):
                text += "\n"
            return text + emit.result_items(results, dash)
    merged = emit.from_doc(data, doc.raw)
    assert isinstance(merged, dict)
    old = merged.get("results")
    old_items = list(old.value) if isinstance(old, emit.Flow) else list(old or [])
    merged["results"] = old_items + results
    return _leading_comments(text) + "\n".join(emit.lines(merged)) + "\n"
