"""The archive (sota-extractor `evaluation-tables.json`) to a plan of results/ files and a report.

Reading order: the task tree is flattened (tasks with `parent`, the graph kept acyclic), each
(task, dataset) table becomes a leaderboard whose columns are declared on a dataset, and each row
becomes a result in the file of its paper. Every input row ends in exactly one outcome of the
report: converted, merged into an identical row, already present in the repository, or not
converted with a reason. Nothing here writes files: `apply` in `validator.importer.write` does.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from validator.checks.links import arxiv_impossible, parse_code_url
from validator.importer import ids
from validator.importer.metrics import Decision, decide, is_count
from validator.importer.papers import PapersIndex, Wanted
from validator.importer.report import ImportReport
from validator.importer.values import Unparseable, Value, parse_value
from validator.load.repository import Entry, Repository
from validator.model.inputs import AREAS, PaperFile

Progress = Callable[[int, int], None]

_AREA_BY_NAME = {a.lower(): a for a in AREAS}
# Words that point at an area, for tasks the archive gives no category (weights: name 3, text 1).
_AREA_WORDS: dict[str, tuple[str, ...]] = {
    "Graphs": ("graph", "node", "link prediction", "link property", "molecul", "edge"),
    "Computer Vision": ("image", "video", "visual", "object detection", "segmentation", "pose", "face"),
    "Speech": ("speech", "speaker", "spoken"),
    "Audio": ("audio", "sound"),
    "Music": ("music",),
    "Medical": ("medical", "clinical", "biomedical"),
    "Time Series": ("time series", "forecasting"),
    "Playing Games": ("game", "atari"),
    "Robots": ("robot",),
    "Computer Code": ("source code", "program synthesis", "code generation"),
    "Natural Language Processing": (
        "text", "language", "sentence", "word", "translation", "parsing", "question", "dialogue",
        "summar", "sentiment", "entity", "semantic", "inference", "lexical", "reading", "grammar",
        "coreference", "chatbot", "corpus", "tagging", "syntax", "nlp", "sense", "taxonomy", "hypernym",
        "temporal expression", "stance", "relation",
    ),
}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")


# ---------------------------------------------------------------- the archive as flat records


@dataclass
class TaskNode:
    name: str
    id: str = ""
    parent: str | None = None  # parent id
    categories: list[str] = field(default_factory=list)
    description: str | None = None
    synonyms: list[str] = field(default_factory=list)
    area: str | None = None
    area_how: str = ""
    existing: bool = False


@dataclass
class Board:
    """One table of the archive: a task, a dataset (or subdataset) and its rows."""

    task: str  # task id
    task_name: str
    dataset_name: str
    description: str | None
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    dataset_id: str = ""


@dataclass
class Row:
    index: int  # 1-based position among all rows of the file
    board: Board
    model: str
    raw_model: str
    values: dict[str, Value]
    title: str | None
    urls: list[str]
    arxiv: str | None
    doi: str | None
    url: str | None
    date: str | None
    code: list[str]
    uses_additional_data: bool
    group: int = -1


@dataclass
class NewPaper:
    data: dict
    rows: list[Row]


@dataclass
class Plan:
    """What the import writes: new files as data, additions to existing files, and the report."""

    tasks: dict[str, dict] = field(default_factory=dict)  # id -> task data (new files)
    datasets: dict[str, dict] = field(default_factory=dict)  # id -> dataset data (new files)
    dataset_updates: dict[str, dict] = field(default_factory=dict)  # id -> {"tasks": [...], "metrics": [...]}
    papers: dict[str, dict] = field(default_factory=dict)  # root-relative path -> paper file data
    paper_additions: dict[str, list[dict]] = field(default_factory=dict)  # path -> results to append
    report: ImportReport = field(default_factory=ImportReport)
    converted: list[dict] = field(default_factory=list)  # rows as imported, for the round trip


class ArchiveError(ValueError):
    """The file is not an archive dump at all (not a list of tasks)."""


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


class Importer:
    def __init__(self, repo: Repository, papers: PapersIndex | None = None, progress: Progress | None = None):
        self.repo = repo
        self.papers = papers or PapersIndex()
        self.progress = progress
        self.plan = Plan()
        self.report = self.plan.report
        self.tasks: dict[str, TaskNode] = {}
        self.boards: list[Board] = []
        self.rows: list[Row] = []
        self.row_count = 0
        self.seen = 0  # rows met so far, valid or not: a row's number in the report
        # Existing repository, indexed.
        for tid, entry in repo.tasks.items():
            t = entry.model
            self.tasks[tid] = TaskNode(t.name, tid, t.parent, [], t.description, list(t.synonyms), t.area,
                                       "existing", existing=True)
        self.task_by_name = {t.name.lower(): tid for tid, t in self.tasks.items()}

    # ------------------------------------------------------------ reading

    def read(self, data: object) -> None:
        if not isinstance(data, list):
            raise ArchiveError("the archive is not a JSON list of tasks (sota-extractor evaluation-tables format)")
        self.row_count = sum(self._count_rows(t) for t in data)
        self.report.total_rows = self.row_count
        for i, task in enumerate(data):
            if not isinstance(task, dict):
                self.report.structure(f"top-level entry {i + 1} is not a task object; skipped")
                continue
            self._task(task, None)

    def _count_rows(self, task: object) -> int:
        t = _dict(task)
        n = sum(self._count_ds_rows(d) for d in _list(t.get("datasets")))
        return n + sum(self._count_rows(s) for s in _list(t.get("subtasks")))

    def _count_ds_rows(self, ds: object) -> int:
        d = _dict(ds)
        n = len(_list(_dict(d.get("sota")).get("rows")))
        return n + sum(self._count_ds_rows(s) for s in _list(d.get("subdatasets")))

    def _task(self, raw: dict, parent: str | None) -> None:
        name = ids.clean_text(_str(raw.get("task")))
        if not name:
            self.report.structure("a task without a name; its datasets and subtasks are skipped")
            self._skip_task_rows(raw, "the task (or a task above it) has no name")
            return
        node = self._task_node(name, raw)
        self._set_parent(node, parent)
        for ds in _list(raw.get("datasets")):
            if isinstance(ds, dict):
                self._dataset(node, ds, None)
        for sub in _list(raw.get("subtasks")):
            if isinstance(sub, dict):
                self._task(sub, node.id)

    def _task_node(self, name: str, raw: dict) -> TaskNode:
        tid = self.task_by_name.get(name.lower())
        if tid is None:
            slug = ids.entity_id(name)
            tid = slug  # the same slug is the same task (`Part-Of-Speech Tagging` / `Part-of-speech tagging`)
        node = self.tasks.get(tid)
        if node is None:
            node = TaskNode(name, tid)
            self.tasks[tid] = node
            self.task_by_name[name.lower()] = tid
        if not node.existing:
            for c in _list(raw.get("categories")):
                if isinstance(c, str) and c not in node.categories:
                    node.categories.append(c)
            desc = _description(raw.get("description"))
            if desc and not node.description:
                node.description = desc
            for s in _list(raw.get("synonyms")):
                s = ids.clean_text(s) if isinstance(s, str) else ""
                if s and s not in node.synonyms:
                    node.synonyms.append(s)
        return node

    def _set_parent(self, node: TaskNode, parent: str | None) -> None:
        if parent is None or node.parent == parent:
            return
        if node.existing:
            return  # an existing task file is never rewritten for its parent
        if node.parent is not None:
            self.report.task_graph(node.name, f"also listed under {self.tasks[parent].name!r}; kept parent "
                                              f"{self.tasks[node.parent].name!r}")
            return
        # Would `parent` make a cycle? Walk up from it.
        seen = set()
        up: str | None = parent
        while up is not None and up not in seen:
            if up == node.id:
                self.report.task_graph(node.name, f"listed under {self.tasks[parent].name!r}, which is its own "
                                                  "subtask: cycle broken, no parent kept")
                return
            seen.add(up)
            up = self.tasks[up].parent if up in self.tasks else None
        node.parent = parent

    def _skip_task_rows(self, raw: object, reason: str) -> None:
        t = _dict(raw)
        for ds in _list(t.get("datasets")):
            self._skip_dataset_rows(ds, ids.clean_text(_str(t.get("task"))) or "(no task name)", reason)
        for sub in _list(t.get("subtasks")):
            self._skip_task_rows(sub, reason)

    def _skip_dataset_rows(self, ds: object, task: str, reason: str) -> None:
        d = _dict(ds)
        for row in _list(_dict(d.get("sota")).get("rows")):
            self.seen += 1
            self.report.not_converted(self.seen, task, _str(d.get("dataset")), _str(_dict(row).get("model_name")),
                                      "bad-structure", reason)
            self._tick()
        for sub in _list(d.get("subdatasets")):
            self._skip_dataset_rows(sub, task, reason)

    def _dataset(self, task: TaskNode, ds: dict, parent_name: str | None, sub_index: int = 0) -> None:
        own = ids.clean_text(_str(ds.get("dataset")) or _str(ds.get("subdataset")))
        if parent_name is None:
            name = own
        else:
            name = f"{parent_name} ({own or sub_index})"
        if not name:
            self._skip_dataset_rows(ds, task.name, "the dataset has no name")
            return
        sota = _dict(ds.get("sota"))
        rows = [r for r in _list(sota.get("rows"))]
        columns: list[str] = []
        for c in _list(sota.get("metrics")):
            c = " ".join(c.split()) if isinstance(c, str) else ""
            if c and c not in columns:
                columns.append(c)
        if rows:
            board = Board(task.id, task.name, name, _description(ds.get("description")), columns)
            self.boards.append(board)
            for raw in rows:
                self._row(board, raw)
        for i, sub in enumerate(_list(ds.get("subdatasets"))):
            if isinstance(sub, dict):
                self._dataset(task, sub, name, i + 1)

    def _tick(self) -> None:
        if self.progress is not None and (self.seen % 500 == 0 or self.seen == self.row_count):
            self.progress(self.seen, self.row_count)

    def _row(self, board: Board, raw: object) -> None:
        self.seen += 1
        index = self.seen
        r = _dict(raw)
        raw_model = _str(r.get("model_name"))
        model = ids.clean_text(raw_model)
        if not isinstance(raw, dict):
            self.report.not_converted(index, board.task_name, board.dataset_name, "", "bad-structure",
                                      "the row is not an object")
            self._tick()
            return
        values: dict[str, Value] = {}
        for col, cell in _dict(r.get("metrics")).items():
            col = " ".join(str(col).split())
            if not col:
                continue
            if col not in board.columns:
                board.columns.append(col)  # a value under a column `sota.metrics` forgot: declare it too
            try:
                value = parse_value(cell)
            except Unparseable as exc:
                self.report.value_dropped(index, board.task_name, board.dataset_name, model, col, cell, str(exc))
                continue
            if value is not None:
                values[col] = value
        urls: list[str] = []
        paper_url = _str(r.get("paper_url")).strip()
        if paper_url:
            urls.append(paper_url)
        arxiv = ids.arxiv_from_url(paper_url) if paper_url else None
        if arxiv and arxiv_impossible(arxiv):
            self.report.link_dropped(index, board.task_name, board.dataset_name, model, paper_url,
                                     f"arXiv id {arxiv_impossible(arxiv)}; the URL is kept instead")
            arxiv = None
        doi = ids.doi_from_url(paper_url) if paper_url and not arxiv else None
        url = ids.https_url(paper_url) if paper_url else None
        title = ids.clean_text(_str(r.get("paper_title"))) or None
        if title is not None and not ids.usable_title(title):
            self.report.junk_title(index, board.task_name, board.dataset_name, model, title)
            title = None
        date = _str(r.get("paper_date"))
        date = date[:10] if _DATE_RE.match(date) and _valid_date(date[:10]) else None
        code = []
        for link in _list(r.get("code_links")):
            raw_url = _str(_dict(link).get("url")).strip()
            u = ids.https_url(raw_url)
            if not raw_url:
                continue
            # A link the validator rejects (a user page, not a repository) is left out and reported;
            # one on an unknown host is only a warning there, and is kept.
            problem, why = (None, "not a web URL") if u is None else parse_code_url(u)[1:]
            if u is None or (problem is not None and problem.severity == "error"):
                self.report.link_dropped(index, board.task_name, board.dataset_name, model, raw_url,
                                         f"code link left out: {why}")
            elif u not in code:
                code.append(u)
        row = Row(index, board, model, raw_model, values, title, urls, arxiv, doi, url, date, code,
                  r.get("uses_additional_data") is True)
        self.rows.append(row)
        board.rows.append(row)
        self._tick()

    def wanted(self) -> Wanted:
        """The keys `--papers` entries are matched by: every row's arXiv id, URLs and title."""
        return Wanted(
            frozenset(r.arxiv for r in self.rows if r.arxiv),
            frozenset(ids.url_key(u) for r in self.rows for u in r.urls),
            frozenset(ids.title_key(r.title) for r in self.rows if r.title),
        )

    # ------------------------------------------------------------ converting

    def convert(self) -> Plan:
        self._areas()
        self._datasets()
        self._papers()
        self._emit_tasks()
        return self.plan

    def _areas(self) -> None:
        # File-wide vote: the area most tasks of this file point at, for tasks nothing points.
        votes: dict[str, int] = {}
        for node in self.tasks.values():
            if node.existing:
                continue
            area = _area_from_categories(node.categories)
            if area:
                node.area, node.area_how = area, "category"
        for node in self.tasks.values():
            if node.area is None:
                guess = _area_from_words(node.name, node.description or "")
                if guess:
                    votes[guess] = votes.get(guess, 0) + 1
        majority = max(sorted(votes), key=lambda a: votes[a]) if votes else "Miscellaneous"
        for node in self.tasks.values():
            self._resolve_area(node, majority, set())

    def _resolve_area(self, node: TaskNode, majority: str, seen: set[str]) -> str:
        if node.area:
            return node.area
        seen.add(node.id)
        parent = self.tasks.get(node.parent) if node.parent else None
        if parent is not None and parent.id not in seen:
            node.area = self._resolve_area(parent, majority, seen)
            node.area_how = f"parent {parent.name!r}"
        else:
            guess = _area_from_words(node.name, node.description or "")
            node.area, node.area_how = (guess, "words of its name and description") if guess else (
                majority, "the area most tasks of this archive have")
        self.report.area_guess(node.id, node.name, node.area, node.area_how)
        return node.area

    def _datasets(self) -> None:
        """Declare each board's columns on a dataset: an existing one of that name that lists the task
        or ranks by the same primary metric, else a new one (`penn-treebank-word-level-models`)."""
        kinds = self.repo.catalogue_kinds
        existing_by_name: dict[str, list[str]] = {}
        for did, entry in self.repo.datasets.items():
            existing_by_name.setdefault(entry.model.name.lower(), []).append(did)
            if did != entry.model.name.lower():
                existing_by_name.setdefault(did, []).append(did)
        taken = set(self.repo.dataset_ids)
        # dataset id -> state: tasks, metric names (and aliases), primary, declared decls
        state: dict[str, dict] = {}
        for did, entry in self.repo.datasets.items():
            decl = self.repo.declared.get(did)
            state[did] = {
                "name": entry.model.name,
                "tasks": list(entry.model.tasks),
                "names": set(decl.lookup) if decl else {m.name for m in entry.model.metrics},
                "primary": decl.primary if decl else entry.model.metrics[0].name,
                "lookup": decl.lookup if decl else {},
                "new": False,
                "metrics": [],
                "add_tasks": [],
                "description": None,
            }
        for board in self.boards:
            numeric = {c: [v.number for r in board.rows for cc, v in r.values.items() if cc == c]
                       for c in board.columns}
            for c in board.columns:
                if not numeric[c] and board.rows:
                    self.report.column_undeclared(board.task_name, board.dataset_name, c)
            columns = [c for c in board.columns if numeric[c]]
            if not columns:
                board.dataset_id = ""
                continue
            primary = next((c for c in columns if not is_count(c)), columns[0])
            candidates = existing_by_name.get(board.dataset_name.lower(), []) + existing_by_name.get(
                ids.entity_id(board.dataset_name), [])
            chosen = None
            for did in dict.fromkeys(candidates):
                st = state[did]
                if board.task in st["tasks"]:
                    chosen = did
                    break
            if chosen is None:
                for did in dict.fromkeys(candidates):
                    st = state[did]
                    p = st["lookup"][primary].name if primary in st["lookup"] else primary
                    if st["primary"] == p:
                        chosen = did
                        break
            if chosen is None:
                base = ids.entity_id(board.dataset_name)
                did = base if base not in taken else ids.entity_id(f"{board.dataset_name} {board.task}", taken)
                taken.add(did)
                chosen = did
                state[did] = {"name": board.dataset_name, "tasks": [], "names": set(), "primary": primary,
                              "lookup": {}, "new": True, "metrics": [], "add_tasks": [],
                              "description": board.description}
                existing_by_name.setdefault(board.dataset_name.lower(), []).append(did)
            st = state[chosen]
            board.dataset_id = chosen
            if board.task not in st["tasks"]:
                st["tasks"].append(board.task)
                st["add_tasks"].append(board.task)
            lower_hint = "lower is better" in (board.description or "").lower()
            for c in columns:
                if c in st["names"]:
                    continue
                d = decide(c, numeric[c], kinds, lower_hint)
                st["names"].add(c)
                st["metrics"].append(_metric_decl(c, d))
                self.report.metric_decision(chosen, board.dataset_name, c, d)
        for did, st in state.items():
            if st["new"]:
                data: dict = {"id": did, "name": st["name"]}
                if st["description"]:
                    data["description"] = st["description"]
                data["tasks"] = st["tasks"]
                data["metrics"] = st["metrics"]
                names = [m["name"] for m in st["metrics"]]
                data["primary_metric"] = st["primary"] if st["primary"] in names else names[0]
                self.plan.datasets[did] = data
            elif st["add_tasks"] or st["metrics"]:
                self.plan.dataset_updates[did] = {"tasks": st["add_tasks"], "metrics": st["metrics"]}

    def _papers(self) -> None:
        rows = [r for r in self.rows]
        # Identity: link rows that share an arXiv id, a DOI, a URL or (failing an id conflict) a title.
        for row in rows:
            if not row.values:
                self.report.not_converted(row.index, row.board.task_name, row.board.dataset_name, row.model,
                                          "no-value", "no numeric value in any column")
                continue
            if not row.model:
                self.report.not_converted(row.index, row.board.task_name, row.board.dataset_name, row.raw_model,
                                          "no-model", "the row has no model name")
                continue
            if not row.board.dataset_id:
                self.report.not_converted(row.index, row.board.task_name, row.board.dataset_name, row.model,
                                          "no-value", "no column of its table has a numeric value")
                continue
            if not (row.arxiv or row.doi or row.url):
                info = self.papers.find(None, [], row.title) if row.title else None
                if info and info.arxiv:
                    row.arxiv = info.arxiv
                else:
                    why = (f"only a title ({row.title!r}), no arXiv id, DOI or URL" if row.title
                           else "no paper reference at all (no paper_url, no paper_title)")
                    self.report.not_converted(row.index, row.board.task_name, row.board.dataset_name, row.model,
                                              "no-paper", why)
                    continue
            row.group = 0  # candidate
        live = [r for r in rows if r.group == 0]
        groups = _group(live)
        existing = _ExistingPapers(self.repo)
        taken = {p.id for p in self.repo.papers}
        new_results_seen: dict[tuple, tuple[Row, dict]] = {}
        for members in groups:
            self._paper(members, existing, taken, new_results_seen)

    def _paper(self, members: list[Row], existing: _ExistingPapers, taken: set[str],
               seen: dict[tuple, tuple[Row, dict]]) -> None:
        arxiv = next((r.arxiv for r in members if r.arxiv), None)
        doi = next((r.doi for r in members if r.doi), None)
        url = next((r.url for r in members if r.url), None)
        titles = [r.title for r in members if r.title]
        urls = [u for r in members for u in r.urls]
        info = self.papers.find(arxiv, urls, titles[0] if titles else None)
        if info and info.arxiv and not arxiv:
            arxiv = info.arxiv
        match = existing.find(arxiv, doi, [r.url for r in members if r.url], titles)
        if match is not None:
            path = match.file
            have = {(r.task, r.dataset, r.model): r for r in match.model.results}
            target: list[dict] = self.plan.paper_additions.setdefault(path, [])
            paper_id = match.id
        else:
            published, how = self._published(members, info, arxiv)
            if published is None:
                for r in members:
                    self.report.not_converted(r.index, r.board.task_name, r.board.dataset_name, r.model, "no-date",
                                              "no date: no paper_date, nothing in --papers, no new-style arXiv id, "
                                              "no year in the model name")
                return
            title = (info.title if info and info.title else None) or (titles[0] if titles else None)
            placeholder = title is None
            if title is None:
                title = f"arXiv:{arxiv}" if arxiv else (f"doi:{doi}" if doi else url)
                self.report.placeholder_title(title, [r.index for r in members])
            if how not in ("paper_date", "--papers"):
                self.report.date_guess(title, published, how)
            elif arxiv and (month := ids.arxiv_month(arxiv)) and published[:7] > _add_months(month, 6):
                # OGB's paper_date is when the result reached the leaderboard, years after the preprint.
                self.report.date_guess(title, published, f"paper_date, though the arXiv id says {month}: "
                                                         "a leaderboard submission date? (kept, to confirm)")
            slug_source = title
            if placeholder:  # arXiv:2104.09376 -> arxiv-2104-09376, not arxiv210409376
                slug_source = re.sub(r"[:./?=&_~]+", " ", re.sub(r"^https?://(www\.)?", "", title))
            paper_id = ids.paper_slug(slug_source, taken)
            taken.add(paper_id)
            paper: dict = {"title": title}
            if info and info.authors:
                paper["authors"] = list(info.authors)
            paper["published"] = published
            if arxiv:
                paper["arxiv"] = arxiv
            if doi:
                paper["doi"] = doi
            if not arxiv and not doi:
                paper["url"] = url
            if info and info.abstract:
                paper["abstract"] = info.abstract
            code = list(dict.fromkeys(u for r in members for u in r.code))
            if code:
                paper["code"] = [{"url": u} for u in code]
            path = f"results/papers/{published[:4]}/{paper_id}.yaml"
            target = []
            self.plan.papers[path] = {"paper": paper, "results": target}
            have = {}
        for r in members:
            key = (r.board.task, r.board.dataset_id, r.model)
            metrics = {c: v for c, v in r.values.items()}
            if key in have:
                old = have[key]
                if _same_values(old.metrics, metrics):
                    self.report.present(r.index, r.board.task_name, r.board.dataset_name, r.model, path)
                    self._converted(r, paper_id)
                else:
                    self.report.not_converted(r.index, r.board.task_name, r.board.dataset_name, r.model, "conflict",
                                              f"{path} already has this model on this leaderboard with other values")
                continue
            skey = (paper_id, *key)
            if skey in seen:
                other, result = seen[skey]
                merged = _merge_metrics(result["_values"], metrics)
                if merged is None:
                    self.report.not_converted(r.index, r.board.task_name, r.board.dataset_name, r.model, "conflict",
                                              f"row {other.index} of the same paper, model and leaderboard has other "
                                              "values; kept that one")
                    continue
                result["_values"] = merged
                result["metrics"] = _metrics_out(merged)
                self.report.merged(r.index, r.board.task_name, r.board.dataset_name, r.model, other.index)
                self._converted(r, paper_id)
                continue
            result = {"task": r.board.task, "dataset": r.board.dataset_id, "model": r.model,
                      "metrics": _metrics_out(metrics), "_values": metrics}
            if r.uses_additional_data:
                result["uses_additional_data"] = True
            target.append(result)
            seen[skey] = (r, result)
            self.report.converted_row()
            self._converted(r, paper_id)

    def _converted(self, r: Row, paper_id: str) -> None:
        self.plan.converted.append({
            "row": r.index, "task": r.board.task_name, "dataset": r.board.dataset_name, "model": r.model,
            "paper": paper_id, "metrics": {c: (v.text, v.error) for c, v in r.values.items()},
        })

    def _published(self, members: list[Row], info, arxiv: str | None) -> tuple[str | None, str]:
        dates = sorted(r.date for r in members if r.date)
        if dates:
            return dates[0], "paper_date"
        if info and info.date:
            return info.date, "--papers"
        if arxiv:
            month = ids.arxiv_month(arxiv)
            if month:
                return month, "the arXiv id"
        years = sorted(y for y in (ids.year_in_name(r.raw_model) for r in members) if y)
        if years:
            return years[0], "the year in the model name"
        years = sorted(y for y in (ids.acl_year(u) for r in members for u in r.urls) if y)
        if years:
            return years[0], "the ACL Anthology id in the URL"
        return None, ""

    def _emit_tasks(self) -> None:
        for tid, node in self.tasks.items():
            if node.existing:
                continue
            data: dict = {"id": tid, "name": node.name, "area": node.area or "Miscellaneous"}
            if node.parent:
                data["parent"] = node.parent
            if node.description:
                data["description"] = node.description
            if node.synonyms:
                data["synonyms"] = node.synonyms
            self.plan.tasks[tid] = data


def _add_months(month: str, n: int) -> str:
    """`2014-03` plus n months, as YYYY-MM."""
    y, m = int(month[:4]), int(month[5:7]) - 1 + n
    return f"{y + m // 12}-{m % 12 + 1:02d}"


def _description(value: object) -> str | None:
    """Markdown text without trailing spaces on its lines (so it can be a YAML literal block)."""
    lines = [line.rstrip() for line in _str(value).replace("\r\n", "\n").strip().split("\n")]
    return "\n".join(lines) or None


def _valid_date(text: str) -> bool:
    try:
        _dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _area_from_categories(categories: list[str]) -> str | None:
    for c in categories:
        area = _AREA_BY_NAME.get(c.strip().lower())
        if area:
            return area
    return None


def _area_from_words(name: str, text: str) -> str | None:
    name_l, text_l = name.lower(), text.lower()
    scores: dict[str, int] = {}
    for area, words in _AREA_WORDS.items():
        score = sum(3 for w in words if w in name_l) + sum(1 for w in words if w in text_l)
        if score:
            scores[area] = score
    if not scores:
        return None
    return max(sorted(scores), key=lambda a: scores[a])


def _metric_decl(name: str, d: Decision) -> dict:
    decl: dict = {"name": name, "direction": d.direction, "unit": d.unit}
    if d.range is not None:
        decl["range"] = [_num(d.range[0]), _num(d.range[1])]
    return decl


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _metrics_out(values: dict[str, Value]) -> dict:
    from validator.importer.emit import Flow, Num

    out: dict = {}
    for c, v in values.items():
        out[c] = Flow({"value": Num(v.text), "error": Num(v.error)}) if v.error is not None else Num(v.text)
    return Flow(out)


def _same_values(old: dict, new: dict[str, Value]) -> bool:
    """Existing result metrics (floats or Uncertain) against new values: equal where both have one."""
    for c, v in new.items():
        if c not in old:
            continue
        o = old[c]
        ov = getattr(o, "value", o)
        if float(ov) != v.number:
            return False
    return True


def _merge_metrics(a: dict[str, Value], b: dict[str, Value]) -> dict[str, Value] | None:
    """Two rows of one result: the union of their values, or None when a value differs."""
    merged = dict(a)
    for c, v in b.items():
        if c in merged and (merged[c].number != v.number or merged[c].error != v.error):
            return None
        merged.setdefault(c, v)
    return merged


def _group(rows: list[Row]) -> list[list[Row]]:
    """Rows of one paper together: same arXiv id, else DOI, else URL, else title (a title never
    joins two different arXiv ids). Groups in order of their first row."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    arxiv_of: dict[int, set[str]] = {i: ({r.arxiv} if r.arxiv else set()) for i, r in enumerate(rows)}

    def union(i: int, j: int, guard: bool) -> None:
        a, b = find(i), find(j)
        if a == b:
            return
        if guard and arxiv_of[a] and arxiv_of[b] and arxiv_of[a] != arxiv_of[b]:
            return
        if b < a:
            a, b = b, a
        parent[b] = a
        arxiv_of[a] = arxiv_of[a] | arxiv_of[b]

    for key_of, guard in (
        (lambda r: r.arxiv and f"arxiv:{r.arxiv}", False),
        (lambda r: r.doi and f"doi:{r.doi.lower()}", True),
        (lambda r: (r.urls and not r.arxiv) and f"url:{ids.url_key(r.urls[0])}", True),
        (lambda r: r.title and len(ids.title_key(r.title)) > 10 and f"title:{ids.title_key(r.title)}", True),
    ):
        first: dict[str, int] = {}
        for i, r in enumerate(rows):
            k = key_of(r)
            if not k:
                continue
            if k in first:
                union(first[k], i, guard)
            else:
                first[k] = i
    groups: dict[int, list[Row]] = {}
    for i, r in enumerate(rows):
        groups.setdefault(find(i), []).append(r)
    return [groups[k] for k in sorted(groups)]


class _ExistingPapers:
    """Paper files already in the repository (and those this import creates), by identifier."""

    def __init__(self, repo: Repository):
        self.by: dict[str, Entry[PaperFile]] = {}
        for entry in repo.papers:
            p = entry.model.paper
            self._index(entry, p.arxiv, p.doi, p.url, p.title)

    def _index(self, entry: Entry, arxiv, doi, url, title) -> None:
        for k in (arxiv and f"arxiv:{arxiv}", doi and f"doi:{doi.lower()}", url and f"url:{ids.url_key(url)}",
                  title and len(ids.title_key(title)) > 10 and f"title:{ids.title_key(title)}"):
            if k:
                self.by.setdefault(k, entry)

    def find(self, arxiv, doi, urls: list[str], titles: list[str]) -> Entry[PaperFile] | None:
        keys = [arxiv and f"arxiv:{arxiv}", doi and f"doi:{doi.lower()}"]
        keys += [f"url:{ids.url_key(u)}" for u in urls]
        for k in keys:
            if k and k in self.by:
                found = self.by[k]
                return found
        for t in titles:
            k = f"title:{ids.title_key(t)}"
            found = self.by.get(k)
            if found is not None:
                p = found.model.paper
                if arxiv and p.arxiv and p.arxiv != arxiv:
                    continue
                return found
        return None
