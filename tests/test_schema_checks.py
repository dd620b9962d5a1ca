"""Family 2, schema: each code at the line of the offending node, with the hint a contributor needs."""

from __future__ import annotations

from conftest import PAPER_PATH, where

P = PAPER_PATH
T = "results/tasks/question-answering.yaml"
D = "results/datasets/squad2.0.yaml"


def paper(extra_paper: str = "", results: str | None = None, published: str = "2019-09-26") -> str:
    text = (
        "paper:\n"
        '  title: "ALBERT"\n'
        f"  published: {published}\n"
        '  arxiv: "1909.11942"\n' + extra_paper
    )
    if results is None:
        results = (
            "  - task: question-answering\n"
            "    dataset: squad2.0\n"
            "    model: ALBERT\n"
            "    metrics: {EM: 88.1, F1: 90.9}\n"
        )
    return text + "results:\n" + results


def one(problems, code):
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, problems
    return found[0]


def test_shipped_minimal_repository_is_clean(check_repo):
    assert check_repo({}) == []


def test_missing_field_at_the_mapping_line(check_repo):
    text = paper(results="  - task: question-answering\n    model: ALBERT\n    metrics: {EM: 1}\n")
    assert where(check_repo({P: text}), "missing-field") == [(P, 6, "error")]
    p = one(check_repo({P: text}), "missing-field")
    assert "'dataset'" in p.message and p.hint == "add `dataset:`"


def test_unknown_field_with_did_you_mean(check_repo):
    text = paper(results="  - task: question-answering\n    dataste: squad2.0\n    model: A\n    metrics: {EM: 1}\n")
    problems = check_repo({P: text})
    assert ("results/papers/2019/albert-a-lite-bert-for-self-supervised.yaml", 7, "error") in where(
        problems, "unknown-field"
    )
    p = next(p for p in problems if p.code == "unknown-field")
    assert "did you mean 'dataset'" in p.message


def test_unquoted_arxiv_id_becomes_a_number(check_repo):
    text = "paper:\n  title: x\n  published: 2019-06-19\n  arxiv: 1906.08230\nresults: []\n"
    p = one(check_repo({P: text}), "wrong-type")
    assert (p.line, p.severity) == (4, "error")
    assert "1906.08230" in p.message and p.hint == 'quote it: arxiv: "1906.08230"'


def test_boolean_where_a_string_is_meant(check_repo):
    text = paper(results="  - task: question-answering\n    dataset: squad2.0\n    model: no\n    metrics: {EM: 1}\n")
    p = one(check_repo({P: text}), "wrong-type")
    assert (p.file, p.line) == (P, 8)
    assert "as a boolean" in p.message and p.hint == 'quote it: model: "no"'


def test_date_that_does_not_exist(check_repo):
    assert where(check_repo({P: paper(published="2019-02-30")}), "invalid-date") == [(P, 3, "error")]


def test_partial_dates_are_accepted(check_repo):
    assert check_repo({P: paper(published="2019-09")}) == []
    assert check_repo({P: paper(published="2019")}) == []


def test_evaluated_on_bad_date(check_repo):
    text = paper(
        results="  - task: question-answering\n    dataset: squad2.0\n    model: A\n"
        "    metrics: {EM: 1}\n    evaluated_on: 2019-13\n"
    )
    assert where(check_repo({P: text}), "invalid-date") == [(P, 10, "error")]


def test_metric_value_string_gets_a_hint(check_repo):
    text = paper(
        results='  - task: question-answering\n    dataset: squad2.0\n    model: A\n    metrics: {EM: "89.09%"}\n'
    )
    p = one(check_repo({P: text}), "value-not-a-number")
    assert (p.line, p.column) == (9, 15)  # the key of the value
    assert p.hint is not None and p.hint.startswith("write 89.09")


def test_metric_value_with_uncertainty_string(check_repo):
    text = paper(
        results='  - task: question-answering\n    dataset: squad2.0\n    model: A\n'
        '    metrics:\n      EM: "0.8428 ± 0.0014"\n'
    )
    p = one(check_repo({P: text}), "value-not-a-number")
    assert p.line == 10 and p.hint == "write {value: 0.8428, error: 0.0014}"


def test_uncertain_value_missing_error(check_repo):
    text = paper(
        results="  - task: question-answering\n    dataset: squad2.0\n    model: A\n"
        "    metrics:\n      EM: {value: 1}\n"
    )
    assert where(check_repo({P: text}), "missing-field") == [(P, 10, "error")]


def test_invalid_value_pattern_and_area(check_repo):
    task = "id: question-answering\nname: QA\narea: NLP\n"
    p = one(check_repo({T: task}), "invalid-value")
    assert (p.file, p.line) == (T, 3)
    text = paper(extra_paper="  doi: https://doi.org/10.1/x\n")
    p = one(check_repo({P: text}), "invalid-value")
    assert (p.line, p.severity) == (5, "error") and "without https://doi.org/" in (p.hint or "")


def test_versioned_arxiv_id(check_repo):
    text = "paper:\n  title: x\n  published: 2019-09-26\n  arxiv: 1909.11942v2\nresults: []\n"
    p = one(check_repo({P: text}), "invalid-value")
    assert p.line == 4 and p.hint == 'write arxiv: "1909.11942" (no version, no URL)'


def test_no_paper_identifier(check_repo):
    text = "paper:\n  title: x\n  published: 2019-09-26\nresults: []\n"
    assert where(check_repo({P: text}), "no-paper-identifier") == [(P, 1, "error")]


def test_id_mismatch(check_repo):
    problems = check_repo({"results/tasks/qa.yaml": "id: question-answering\nname: QA\narea: Reasoning\n"})
    assert where(problems, "id-mismatch") == [("results/tasks/qa.yaml", 1, "error")]


def test_wrong_year_folder(check_repo):
    problems = check_repo({P: None, "results/papers/2020/albert.yaml": paper()})
    assert where(problems, "wrong-year-folder") == [("results/papers/2020/albert.yaml", 3, "error")]


def test_invalid_paper_id(check_repo):
    problems = check_repo({P: None, "results/papers/2019/ALBERT_Paper.yaml": paper()})
    assert where(problems, "invalid-id") == [("results/papers/2019/ALBERT_Paper.yaml", 1, "error")]


def test_unexpected_file(check_repo):
    problems = check_repo({"results/papers/albert.yml": "paper: {}\n"})
    assert where(problems, "unexpected-file") == [("results/papers/albert.yml", None, "error")]


def test_empty_file(check_repo):
    assert where(check_repo({T: ""}), "empty-file") == [(T, 1, "error")]
    assert where(check_repo({T: "- a\n- b\n"}), "empty-file") == [(T, 1, "error")]


def test_dataset_shape_errors(check_repo):
    text = "id: squad2.0\nname: SQuAD2.0\ntasks: []\nmetrics:\n  - name: EM\n    direction: up\n"
    problems = check_repo({D: text})
    assert (D, 3, "error") in [(p.file, p.line, p.severity) for p in problems]
    assert (D, 6, "error") in where(problems, "invalid-value")


def test_infinite_and_nan_values_are_rejected(check_repo):
    for raw in (".inf", ".nan", "-.inf"):
        text = paper(
            results=f"  - task: question-answering\n    dataset: squad2.0\n    model: A\n    metrics: {{EM: {raw}}}\n"
        )
        assert where(check_repo({P: text}), "invalid-value") == [(P, 9, "error")], raw


def test_a_suggestion_does_not_depend_on_the_order_of_the_candidates() -> None:
    """Two ids that differ only in case: the same one is suggested whatever order a set gives."""
    from validator.checks.schema import suggest

    assert suggest("squad", ["SQuAD", "squad2", "Squad"]) == suggest("squad", ["Squad", "squad2", "SQuAD"])
    assert suggest("squad", {"SQuAD", "Squad"}) == "Squad"
