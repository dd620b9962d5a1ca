"""Family 4, duplicates: one result twice in a file or across files of one paper (duplicate or
conflict), and two paper files for one paper."""

from __future__ import annotations

import shutil

from conftest import PAPER_PATH, REPO_ROOT, problems_of, where

P = PAPER_PATH
P2 = "results/papers/2019/albert-copy.yaml"
P0 = "results/papers/2019/a-first-albert.yaml"


def paper(*results: str, ident: str = 'arxiv: "1909.11942"') -> str:
    return f"paper:\n  title: T\n  published: 2019-09-26\n  {ident}\nresults:\n" + "".join(results)


def row(model: str, metrics: str, dataset: str = "squad2.0") -> str:
    return f"  - task: question-answering\n    dataset: {dataset}\n    model: {model}\n    metrics: {metrics}\n"


SINGLE = row("ALBERT (single model)", "{EM: 88.107, F1: 90.902}")


def test_the_seeds_squad_row_shipped_twice_is_a_duplicate(check_repo):
    problems = check_repo({P: paper(SINGLE, row("ALBERT (ensemble model)", "{EM: 89.731, F1: 92.215}"), SINGLE)})
    assert where(problems, "duplicate-result") == [(P, 14, "error")]
    assert [p.code for p in problems] == ["duplicate-result"]
    p = problems[0]
    assert "already reported at line 6 with the same values" in p.message and p.hint == "delete this copy"


def test_the_shipped_albert_paper_with_the_seed_row_twice_is_reported(tmp_path):
    shutil.copytree(REPO_ROOT / "results", tmp_path / "results")
    path = tmp_path / P
    text = path.read_text(encoding="utf-8") + SINGLE  # the seed page's repeated row, as shipped twice
    path.write_text(text, encoding="utf-8")
    problems = problems_of(tmp_path)
    line = text.count("\n") - 3
    errors = [(p.code, p.file, p.line, p.severity) for p in problems if p.severity == "error"]
    assert errors == [("duplicate-result", P, line, "error")]


def test_model_names_are_compared_without_case_and_spaces(check_repo):
    problems = check_repo({P: paper(SINGLE, row("albert  (Single Model)", "{EM: 88.107, F1: 90.902}"))})
    assert where(problems, "duplicate-result") == [(P, 10, "error")]


def test_same_result_with_different_values_is_a_conflict(check_repo):
    problems = check_repo({P: paper(SINGLE, row("ALBERT (single model)", "{EM: 88.107, F1: 90.2}"))})
    assert where(problems, "conflicting-result") == [(P, 10, "error")]
    assert where(problems, "duplicate-result") == []
    assert "F1 90.902 vs 90.2" in next(p.message for p in problems if p.code == "conflicting-result")


def test_alias_and_name_are_the_same_metric_for_duplicates(check_repo):
    problems = check_repo({P: paper(SINGLE, row("ALBERT (single model)", "{Exact Match: 88.107}"))})
    assert where(problems, "duplicate-result") == [(P, 10, "error")]


def test_split_rows_of_one_result_are_a_duplicate_to_merge(check_repo):
    problems = check_repo({P: paper(row("A", "{EM: 88.107}"), row("A", "{F1: 90.902}"))})
    assert where(problems, "duplicate-result") == [(P, 10, "error")]
    assert next(p.hint for p in problems if p.code == "duplicate-result") == "merge the two rows into one result"


def test_different_leaderboards_are_not_duplicates(check_repo):
    dev = (
        "id: squad2.0-dev\nname: dev\ntasks: [question-answering]\n"
        "metrics:\n  - name: EM\n    direction: higher\n  - name: F1\n    direction: higher\n"
    )
    other = row("ALBERT (single model)", "{F1: 1}", "squad2.0-dev")
    files = {"results/datasets/squad2.0-dev.yaml": dev, P: paper(SINGLE, other)}
    assert check_repo(files) == []


def test_two_files_for_one_paper_reported_on_the_later_file(check_repo):
    files = {P2: paper(row("B", "{F1: 80}")), P: paper(SINGLE)}
    problems = check_repo(files)
    # albert-a-lite-... sorts before albert-copy: the copy is the one reported, at its arxiv line.
    assert where(problems, "duplicate-paper") == [(P2, 4, "error")]
    assert P in next(p.message for p in problems if p.code == "duplicate-paper")


def test_duplicate_paper_by_doi_ignores_case(check_repo):
    files = {
        P: paper(SINGLE, ident="doi: 10.18653/v1/N19-1423"),
        P0: paper(row("B", "{F1: 80}"), ident="doi: 10.18653/V1/n19-1423"),
    }
    assert where(check_repo(files), "duplicate-paper") == [(P, 4, "error")]


def test_result_repeated_across_files_of_one_paper(check_repo):
    files = {P: paper(SINGLE), P2: paper(row("ALBERT (single model)", "{EM: 88.107, F1: 90.9}"))}
    problems = check_repo(files)
    assert where(problems, "conflicting-result") == [(P2, 6, "error")]
    assert f"already reported at {P}, line 6" in next(p.message for p in problems if p.code == "conflicting-result")


def test_same_model_in_two_different_papers_is_fine(check_repo):
    files = {P: paper(SINGLE), P2: paper(SINGLE, ident='arxiv: "1810.04805"')}
    assert check_repo(files) == []


def test_related_files_are_the_other_files_of_the_same_paper(tmp_path):
    from conftest import write_repo

    from validator.checks.duplicates import related_files
    from validator.load.repository import load_repository

    write_repo(tmp_path, {P0: paper(SINGLE), P2: paper(SINGLE, ident='arxiv: "1810.04805"')})
    repo = load_repository(tmp_path)
    assert related_files(repo, {P0}) == {P0, P}
    assert related_files(repo, {P2}) == {P2}
    assert related_files(repo, {"results/tasks/question-answering.yaml"}) == set()
