"""`pwc import` end to end on small archives: files written, rows accounted for, merging, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import PAPER_PATH, write_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validator import pipeline
from validator.cli import main
from validator.importer.convert import Importer
from validator.importer.write import apply, paper_text
from validator.load.repository import load_repository


def row(model: str, metrics: dict, url: str | None = "https://arxiv.org/abs/1909.11942v2", title: str = "",
        date: str | None = None, code: list[str] | None = None) -> dict:
    return {
        "code_links": [{"title": "", "url": u} for u in (code or [])],
        "metrics": metrics,
        "model_links": [],
        "model_name": model,
        "paper_date": date,
        "paper_title": title,
        "paper_url": url or "",
        "uses_additional_data": False,
    }


def dataset(name: str, columns: list[str], rows: list[dict], subdatasets: list | None = None) -> dict:
    return {"dataset": name, "dataset_citations": [], "dataset_links": [], "description": "",
            "sota": {"metrics": columns, "rows": rows}, "subdatasets": subdatasets or []}


def task(name: str, datasets: list[dict], subtasks: list | None = None, categories: list | None = None) -> dict:
    return {"task": name, "categories": categories or [], "datasets": datasets, "description": "",
            "source_link": None, "subtasks": subtasks or [], "synonyms": []}


def run_import(tmp_path: Path, archive: object, root: Path, *extra: str, capsys=None) -> tuple[int, dict]:
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(archive), encoding="utf-8")
    code = main(["import", str(path), "--root", str(root), "--format", "json", *extra])
    out = capsys.readouterr().out if capsys else "{}"
    return code, json.loads(out)


def errors(root: Path) -> list:
    return [p for p in pipeline.check(load_repository(root)) if p.severity == "error"]


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "results").rglob("*.yaml"))}


def empty_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "results").mkdir(parents=True)
    return root


ARCHIVE = [
    task("Language Modelling", [
        dataset("Penn Treebank", ["Test perplexity", "Number of params"], [
            row("AWD-LSTM (2017)", {"Test perplexity": "57.3", "Number of params": "24M"},
                url="https://arxiv.org/pdf/1708.02182v1.pdf", title="Regularizing and Optimizing LSTM Language Models"),
            row("AWD-LSTM + cache (2017)", {"Test perplexity": "52.8", "Number of params": "24M"},
                url="https://arxiv.org/abs/1708.02182", title="Regularizing and Optimizing LSTM Language Models"),
            row("Old model (2012)", {"Test perplexity": "1,234.50", "Number of params": "-"},
                url="http://www.aclweb.org/anthology/P12-1000/", title="no"),
            row("Nothing", {"Test perplexity": "-"}, url="https://arxiv.org/abs/1111.11111"),
            row("Starred", {"Test perplexity": "50.1*"}, url="https://arxiv.org/abs/1111.11112"),
            row("No reference", {"Test perplexity": "40.0"}, url=None),
            row("Undated", {"Test perplexity": "45.0"}, url="https://example.org/paper", title="Some undated paper"),
        ]),
    ], subtasks=[
        task("Character Level Models", [
            dataset("Penn Treebank", ["Bit per Character (BPC)"], [
                row("Mogrifier (2019)", {"Bit per Character (BPC)": "1.083"},
                    url="https://arxiv.org/abs/1909.01792", date="2019-09-04", title="Mogrifier LSTM"),
            ]),
        ]),
    ]),
    task("Node Property Prediction", [
        dataset("ogbn-arxiv", ["Test Accuracy", "Number of params"], [
            row("GCN", {"Test Accuracy": "0.7174 ± 0.0029", "Number of params": "110120"},
                url="https://arxiv.org/abs/1609.02907", date="2020-05-01", code=["https://github.com/a/gcn"]),
            row("GCN", {"Test Accuracy": "0.7174 ± 0.0029", "Number of params": "110120"},
                url="https://arxiv.org/abs/1609.02907", date="2020-05-01", code=["http://github.com/b/gcn"]),
            row("GCN", {"Test Accuracy": "0.7000 ± 0.0029", "Number of params": "110120"},
                url="https://arxiv.org/abs/1609.02907", date="2020-05-01"),
        ]),
    ], categories=["Graphs"]),
]


def test_import_writes_valid_files_and_accounts_for_every_row(tmp_path: Path, capsys) -> None:
    root = empty_repo(tmp_path)
    code, report = run_import(tmp_path, ARCHIVE, root, capsys=capsys)
    assert code == 1  # some rows were not converted
    counts = report["counts"]
    assert counts["rows"] == 11
    assert counts["converted"] + counts["merged"] + counts["already_present"] + counts["not_converted"] == 11
    assert counts["converted"] == 5 and counts["merged"] == 1
    reasons = {(e["model"], e["reason"]) for e in report["not_converted"]}
    assert reasons == {("Nothing", "no-value"), ("Starred", "no-value"), ("No reference", "no-paper"),
                       ("Undated", "no-date"), ("GCN", "conflict")}
    assert [(v["model"], v["metric"], v["value"]) for v in report["values_dropped"]] == [
        ("Starred", "Test perplexity", "50.1*")]
    assert errors(root) == []

    # Rows of one paper (versioned abs and pdf URLs) are one file, with a PwC-style slug.
    lm = yaml.safe_load((root / "results/papers/2017/regularizing-and-optimizing-lstm-language.yaml").read_text())
    assert lm["paper"] == {"title": "Regularizing and Optimizing LSTM Language Models", "published": "2017-08",
                           "arxiv": "1708.02182"}
    assert [r["model"] for r in lm["results"]] == ["AWD-LSTM (2017)", "AWD-LSTM + cache (2017)"]
    assert lm["results"][0]["metrics"] == {"Test perplexity": 57.3, "Number of params": 24000000}
    text = (root / "results/papers/2017/regularizing-and-optimizing-lstm-language.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/paper.schema.json\n")
    assert 'arxiv: "1708.02182"' in text and 'published: "2017-08"' in text

    # A title `no` stays a string; the year comes from the model name; thousands separators go.
    old = yaml.safe_load((root / "results/papers/2012/no.yaml").read_text())
    assert old["paper"]["title"] == "no" and old["paper"]["published"] == 2012
    assert old["paper"]["url"] == "https://www.aclweb.org/anthology/P12-1000/"
    assert old["results"][0]["metrics"] == {"Test perplexity": 1234.50}

    # Identical rows but for their links: one result, links merged; the conflicting third is reported.
    gcn = yaml.safe_load((root / "results/papers/2020/arxiv-1609-02907.yaml").read_text())
    assert gcn["paper"]["title"] == "arXiv:1609.02907"
    assert [c["url"] for c in gcn["paper"]["code"]] == ["https://github.com/a/gcn", "https://github.com/b/gcn"]
    assert gcn["results"] == [{"task": "node-property-prediction", "dataset": "ogbn-arxiv", "model": "GCN",
                               "metrics": {"Test Accuracy": {"value": 0.7174, "error": 0.0029},
                                           "Number of params": 110120}}]
    assert report["placeholder_titles"][0]["title"] == "arXiv:1609.02907"

    # Tasks flattened with parents; same-name datasets that rank differently are separate datasets.
    sub = yaml.safe_load((root / "results/tasks/character-level-models.yaml").read_text())
    assert sub["parent"] == "language-modelling" and sub["area"] == "Natural Language Processing"
    assert yaml.safe_load((root / "results/tasks/node-property-prediction.yaml").read_text())["area"] == "Graphs"
    ptb = yaml.safe_load((root / "results/datasets/penn-treebank.yaml").read_text())
    assert ptb["tasks"] == ["language-modelling"] and ptb["primary_metric"] == "Test perplexity"
    assert ptb["metrics"] == [{"name": "Test perplexity", "direction": "lower", "unit": "none"},
                              {"name": "Number of params", "direction": "lower", "unit": "count"}]
    ptb_char = yaml.safe_load((root / "results/datasets/penn-treebank-character-level-models.yaml").read_text())
    assert ptb_char["name"] == "Penn Treebank" and ptb_char["tasks"] == ["character-level-models"]
    ogb = yaml.safe_load((root / "results/datasets/ogbn-arxiv.yaml").read_text())
    assert ogb["primary_metric"] == "Test Accuracy" and ogb["metrics"][0]["unit"] == "proportion"
    assert {m["metric"] for m in report["metrics_to_confirm"]} >= {"Test perplexity", "Number of params"}


def test_importing_twice_changes_nothing(tmp_path: Path, capsys) -> None:
    root = empty_repo(tmp_path)
    run_import(tmp_path, ARCHIVE, root, capsys=capsys)
    before = snapshot(root)
    code, report = run_import(tmp_path, ARCHIVE, root, capsys=capsys)
    assert snapshot(root) == before
    assert report["counts"]["converted"] == 0 and report["counts"]["files_created"] == 0
    assert report["counts"]["already_present"] == 6 and report["counts"]["files_updated"] == 0
    assert code == 1


def test_import_merges_into_an_existing_repository_without_duplicates(tmp_path: Path, capsys) -> None:
    root = write_repo(tmp_path / "repo", {})
    original = (root / PAPER_PATH).read_text()
    archive = [task("Question Answering", [
        dataset("SQuAD2.0", ["EM", "F1", "Latency"], [
            row("ALBERT (single model)", {"EM": "88.107", "F1": "90.902"}),  # already there
            row("ALBERT (ensemble model)", {"EM": "89.731", "F1": "92.215", "Latency": "3.5"}),
            row("XLNet", {"EM": "87.926", "F1": "90.689"}, url="https://arxiv.org/abs/1906.08237",
                date="2019-06-19", title="XLNet: Generalized Autoregressive Pretraining for Language Understanding"),
        ]),
    ])]
    code, report = run_import(tmp_path, archive, root, capsys=capsys)
    assert code == 0
    assert report["counts"]["already_present"] == 1 and report["counts"]["converted"] == 2
    text = (root / PAPER_PATH).read_text()
    assert text.startswith(original)  # appended, nothing rewritten
    albert = yaml.safe_load(text)
    assert [r["model"] for r in albert["results"]] == ["ALBERT (single model)", "ALBERT (ensemble model)"]
    squad = yaml.safe_load((root / "results/datasets/squad2.0.yaml").read_text())
    assert [m["name"] for m in squad["metrics"]] == ["EM", "F1", "Latency"]
    assert squad["metrics"][0]["aliases"] == ["Exact Match"] and squad["primary_metric"] == "F1"
    assert not (root / "results/tasks/question-answering-1.yaml").exists()
    assert errors(root) == []
    before = snapshot(root)
    run_import(tmp_path, archive, root, capsys=capsys)
    assert snapshot(root) == before


def test_papers_with_abstracts_fill_titles_authors_and_dates(tmp_path: Path, capsys) -> None:
    root = empty_repo(tmp_path)
    papers = tmp_path / "papers.json"
    papers.write_text(json.dumps([{
        "paper_url": "https://paperswithcode.com/paper/semi-supervised-classification-with-graph",
        "arxiv_id": "1609.02907", "title": "Semi-Supervised Classification with Graph Convolutional Networks",
        "abstract": "We present a scalable approach.", "url_abs": "https://arxiv.org/abs/1609.02907v4",
        "authors": ["Thomas N. Kipf", "Max Welling"], "date": "2016-09-09"}]))
    archive = [task("Node Classification", [dataset("Cora", ["Accuracy"], [
        row("GCN", {"Accuracy": "81.5%"}, url="https://arxiv.org/abs/1609.02907")])])]
    code, report = run_import(tmp_path, archive, root, "--papers", str(papers), capsys=capsys)
    assert code == 0 and report["counts"]["placeholder_titles"] == 0
    data = yaml.safe_load(
        (root / "results/papers/2016/semi-supervised-classification-with-graph.yaml").read_text())
    assert data["paper"]["authors"] == ["Thomas N. Kipf", "Max Welling"]
    assert str(data["paper"]["published"]) == "2016-09-09"
    assert data["paper"]["abstract"] == "We present a scalable approach."
    assert data["results"][0]["metrics"] == {"Accuracy": 81.5}
    assert errors(root) == []


def test_subdatasets_and_task_cycles(tmp_path: Path, capsys) -> None:
    root = empty_repo(tmp_path)
    r = row("M (2018)", {"F0.5": "60.0"}, url="https://arxiv.org/abs/1801.00001")
    sub = {"subdataset": "Restricted", "dataset_citations": [], "dataset_links": [], "description": "",
           "sota": {"metrics": ["F0.5"], "rows": [r]}}
    archive = [
        task("A", [dataset("CoNLL-2014", [], [], subdatasets=[sub])], subtasks=[task("B", [])]),
        task("B", [], subtasks=[task("A", [])]),  # B is under A above: a cycle
        task("C", [], subtasks=[task("A", [])]),  # the first parent that makes no cycle
        task("D", [], subtasks=[task("A", [])]),  # a second parent: reported, first kept
    ]
    code, report = run_import(tmp_path, archive, root, capsys=capsys)
    assert code == 0
    ds = yaml.safe_load((root / "results/datasets/conll-2014-restricted.yaml").read_text())
    assert ds["name"] == "CoNLL-2014 (Restricted)"
    a = yaml.safe_load((root / "results/tasks/a.yaml").read_text())
    b = yaml.safe_load((root / "results/tasks/b.yaml").read_text())
    assert a["parent"] == "c" and b["parent"] == "a"
    notes = [n["detail"] for n in report["task_graph"]]
    assert len(notes) == 2 and "cycle broken" in notes[0] and "kept parent 'C'" in notes[1]
    assert errors(root) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "is not JSON"), ('{"task": "x"}', "not a JSON list of tasks")],
)
def test_unusable_input_exits_2(tmp_path: Path, capsys, content: str, message: str) -> None:
    path = tmp_path / "a.json"
    path.write_text(content)
    root = empty_repo(tmp_path)
    assert main(["import", str(path), "--root", str(root)]) == 2
    assert message in capsys.readouterr().err
    assert main(["import", str(tmp_path / "missing.json"), "--root", str(root)]) == 2


def test_malformed_rows_are_reported_not_crashed_on(tmp_path: Path, capsys) -> None:
    root = empty_repo(tmp_path)
    archive = [task("T", [dataset("D", ["X"], ["not a row", {"metrics": None}, row("ok", {"X": "1"})])]),
               "not a task", task("", [dataset("E", ["X"], [row("lost", {"X": "2"})])])]
    code, report = run_import(tmp_path, archive, root, capsys=capsys)
    assert code == 1
    c = report["counts"]
    assert c["rows"] == 4 and c["converted"] == 1 and c["not_converted"] == 3
    assert errors(root) == []


def test_text_report_and_quiet_progress_off_a_terminal(tmp_path: Path, capsys) -> None:
    root = empty_repo(tmp_path)
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(ARCHIVE))
    assert main(["import", str(path), "--root", str(root)]) == 1
    out, err = capsys.readouterr()
    assert err == ""  # no progress bar when stderr is not a terminal
    assert out.startswith("11 rows: 5 converted, 1 merged")
    assert "row 5: Language Modelling / Penn Treebank / Starred: Test perplexity = '50.1*'" in out


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    root = empty_repo(tmp_path)
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(ARCHIVE))
    master, slave = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "validator", "import", str(path), "--root", str(root)],
                              stdout=subprocess.PIPE, stderr=slave, timeout=120, check=False)
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    assert proc.returncode == 1
    assert b"importing [" in seen and b"11/11 rows" in seen and b"files" in seen


_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12)
_scalars = _scalars | st.sampled_from(
    ["https://arxiv.org/abs/1909.11942v2", "http://aclweb.org/anthology/P18-1116", "2019-09-26", "89.1%", "1 ± 2",
     "-", "2019-02-30", "[1]"])
_anything = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.text(max_size=5), inner, max_size=3), max_leaves=8)
_rows = st.lists(st.fixed_dictionaries({}, optional={
    "model_name": _scalars, "paper_url": _scalars, "paper_title": _scalars, "paper_date": _scalars,
    "metrics": st.dictionaries(st.sampled_from(["A", "B", " ", "Number of params"]), _scalars, max_size=3) | _anything,
    "code_links": st.lists(st.fixed_dictionaries({"url": _scalars}), max_size=2) | _anything,
    "uses_additional_data": _scalars}) | _anything, max_size=4)
_datasets = st.lists(st.fixed_dictionaries({}, optional={
    "dataset": _scalars, "subdataset": _scalars, "description": _scalars,
    "sota": st.fixed_dictionaries({}, optional={"metrics": st.lists(_scalars, max_size=3) | _anything,
                                                "rows": _rows}) | _anything,
    "subdatasets": st.lists(st.fixed_dictionaries({"sota": st.fixed_dictionaries({"rows": _rows})}), max_size=2)}),
    max_size=3)
_tasks = st.recursive(
    st.fixed_dictionaries({}, optional={"task": _scalars, "categories": _anything, "datasets": _datasets,
                                        "description": _scalars, "synonyms": _anything}),
    lambda inner: st.fixed_dictionaries({"task": st.text(max_size=6), "datasets": _datasets,
                                         "subtasks": st.lists(inner, max_size=3)}),
    max_leaves=5)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_tasks | _anything, max_size=4))
def test_any_archive_shaped_input_is_accounted_for_without_a_traceback(tmp_path: Path, archive: list) -> None:
    repo = load_repository(tmp_path)
    importer = Importer(repo)
    importer.read(archive)
    plan = importer.convert()
    report = plan.report
    outcomes = sorted([c["row"] for c in plan.converted] + [s["row"] for s in report.skipped])
    assert outcomes == list(range(1, report.total_rows + 1))
    assert report.accounted == report.total_rows
    for data in plan.papers.values():
        paper_text(data)  # every planned file can be written


_names = st.text(min_size=1, max_size=12) | st.sampled_from(
    ["no", "1.5", "Q->A", "a: b", "Ünïcode", "x" * 130, "#tag", "- dash", "Penn Treebank", "null", "[1]"])
_columns = st.sampled_from(["Accuracy", "Test Accuracy", "Number of params", "F1", "Error", "BLEU", "weird: col",
                            "no", "P@10%", "Test perplexity"])
_cells = st.sampled_from(["89.1", "0.8428 ± 0.0014", "5.3M", "-", "1,234", "86.820", "76.5%", "x", "0.5", "12"]) | (
    st.decimals(min_value=0, max_value=1000, places=3).map(lambda d: format(d, "f")))
_urls = st.sampled_from(["https://arxiv.org/abs/{}v2", "https://arxiv.org/pdf/{}.pdf", "http://aclweb.org/anthology/P1{}",
                         "https://example.org/{}", ""])
_good_rows = st.lists(st.builds(
    lambda model, url, aid, title, date, metrics: row(model, metrics, url=url.format(aid) if url else None,
                                                       title=title, date=date),
    _names, _urls, st.sampled_from(["1909.11942", "1708.02182", "2104.09376"]),
    st.sampled_from(["", "A Title", "no", "[2]", "Another Title: With Colon"]),
    st.sampled_from([None, "2020-01-02", "bad"]),
    st.dictionaries(_columns, _cells, max_size=3)), max_size=5)
_good_tasks = st.recursive(
    st.builds(lambda n, ds: task(n, ds), _names,
              st.lists(st.builds(lambda n, cols, rows: dataset(n, cols, rows), _names, st.lists(_columns, max_size=3),
                                 _good_rows), max_size=2)),
    lambda inner: st.builds(lambda n, subs: task(n, [], subtasks=subs), _names, st.lists(inner, max_size=2)),
    max_leaves=4)


@settings(max_examples=40, deadline=None)
@given(st.lists(_good_tasks, min_size=1, max_size=3))
def test_whatever_is_imported_validates(archive: list) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "results").mkdir()
        repo = load_repository(root)
        importer = Importer(repo)
        importer.read(archive)
        plan = importer.convert()
        apply(plan, root, repo)
        assert errors(root) == []
        again = Importer(load_repository(root))
        again.read(archive)
        assert again.convert().report.converted == 0  # idempotent


def test_a_file_the_validator_would_reject_is_not_written(tmp_path: Path) -> None:
    from validator.importer.report import ImportReport
    from validator.importer.write import _checked_write

    report = ImportReport()
    rel = "results/tasks/bad.yaml"
    assert not _checked_write(tmp_path, rel, "id: bad\nname: Bad\narea: Nowhere\n", report)
    assert not (tmp_path / rel).exists()
    assert report.unwritten[0]["file"] == rel and not report.lossless
    assert _checked_write(tmp_path, rel, "id: bad\nname: Bad\narea: Graphs\n", report)
    assert (tmp_path / rel).exists()


def test_impossible_arxiv_ids_and_non_repository_code_links_are_left_out(tmp_path: Path, capsys) -> None:
    root = empty_repo(tmp_path)
    archive = [task("T", [dataset("D", ["Accuracy"], [
        row("M", {"Accuracy": "90"}, url="https://arxiv.org/abs/1409.00480", title="A Good Paper", date="2014-09-01",
            code=["https://github.com/google-research", "https://github.com/a/b", "https://example.org/code", "x"]),
    ])])]
    code, report = run_import(tmp_path, archive, root, capsys=capsys)
    assert code == 0
    data = yaml.safe_load((root / "results/papers/2014/a-good-paper.yaml").read_text())
    assert "arxiv" not in data["paper"] and data["paper"]["url"] == "https://arxiv.org/abs/1409.00480"
    assert [c["url"] for c in data["paper"]["code"]] == ["https://github.com/a/b", "https://example.org/code"]
    assert [e["url"] for e in report["links_dropped"]] == [
        "https://arxiv.org/abs/1409.00480", "https://github.com/google-research", "x"]
    assert errors(root) == []


def test_absurdly_deep_nesting_exits_2_without_a_traceback(tmp_path: Path, capsys) -> None:
    root = empty_repo(tmp_path)
    path = tmp_path / "deep.json"
    depth = 5000
    path.write_text('[{"task": "t", "subtasks": ' * depth + "[]" + "}]" * depth)
    assert main(["import", str(path), "--root", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pwc import:") and "Traceback" not in err
    sys_depth = 400  # deep but parseable: either imported or refused, never a traceback
    path.write_text("[" + '{"task": "t", "subtasks": [' * sys_depth + "]}" * sys_depth + "]")
    assert main(["import", str(path), "--root", str(root)]) in (0, 2)


def test_a_paper_file_without_a_block_results_list_is_rewritten_keeping_its_data(tmp_path: Path, capsys) -> None:
    root = write_repo(tmp_path / "repo", {PAPER_PATH: (
        "# yaml-language-server: $schema=../../../schemas/paper.schema.json\n"
        "# a maintainer's note\n"
        "results: []\n"
        "paper:\n"
        '  title: "ALBERT: A Lite BERT for Self-supervised Learning of Language Representations"\n'
        "  published: 2019-09-26\n"
        '  arxiv: "1909.11942"\n'
        "  venue: ICLR 2020\n")})
    archive = [task("Question Answering", [dataset("SQuAD2.0", ["EM", "F1"], [
        row("ALBERT (single model)", {"EM": "88.107", "F1": "90.902"}),
        row("ALBERT (ensemble model)", {"EM": "89.730", "F1": "92.215"}),
    ])])]
    code, report = run_import(tmp_path, archive, root, capsys=capsys)
    assert code == 0 and report["files_updated"] == [PAPER_PATH]
    text = (root / PAPER_PATH).read_text()
    assert text.startswith(
        "# yaml-language-server: $schema=../../../schemas/paper.schema.json\n# a maintainer's note\n")
    data = yaml.safe_load(text)
    assert data["paper"]["venue"] == "ICLR 2020" and str(data["paper"]["published"]) == "2019-09-26"
    assert [r["model"] for r in data["results"]] == ["ALBERT (single model)", "ALBERT (ensemble model)"]
    assert "{EM: 89.730, F1: 92.215}" in text
    assert errors(root) == []


def test_dry_run_reports_and_writes_nothing(tmp_path: Path, capsys) -> None:
    root = empty_repo(tmp_path)
    code, report = run_import(tmp_path, ARCHIVE, root, "--dry-run", capsys=capsys)
    assert code == 1 and report["counts"]["converted"] == 5
    assert snapshot(root) == {} and report["files_created"] == []
