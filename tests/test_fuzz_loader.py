"""Whatever the bytes, the loader and the validator return problems: never an exception, never a hang."""

from __future__ import annotations

from pathlib import Path

from conftest import PAPER_PATH, write_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validator import pipeline
from validator.load.repository import load_file, load_repository
from validator.report.problem import Problem

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text made of YAML's own punctuation, keys of our format and odd scalars, so that the fuzzer
# reaches the parser's corners (flow collections, anchors, tags, block scalars) and our models.
TOKENS = [
    "paper:", "results:", "  ", "    ", "- ", "\n", ": ", "{", "}", "[", "]", ",", "&a ", "*a", "!!str ",
    "!!python/name:os.system ", "? ", "|\n", ">-\n", "'", '"', "#", "---\n", "...\n", "~", "null", "yes",
    "no", "on", "1e400", "0x1F", ".inf", "-.nan", "2019-02-30", "2019-09", "1906.08230", "title:",
    "published:", "arxiv:", "metrics:", "task:", "dataset:", "model:", "EM:", "F1:", "value:", "error:",
    "\t", "\ufeff", "\x85", "\u2028", "é", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "!x ", "<<: *a\n",
]

yamlish = st.lists(st.sampled_from(TOKENS) | st.text(max_size=5), max_size=60).map("".join)


def assert_only_problems(result: object) -> None:
    assert all(isinstance(p, Problem) for p in result)  # type: ignore[union-attr]


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_problems_only(data: bytes) -> None:
    _kind, _model, _doc, problems = load_file(PAPER_PATH, data)
    assert_only_problems(problems)


@FUZZ
@given(yamlish)
def test_yaml_like_text_gives_problems_only(text: str) -> None:
    for rel in (PAPER_PATH, "results/tasks/question-answering.yaml", "results/datasets/squad2.0.yaml",
                "results/metrics.yaml"):
        _kind, _model, _doc, problems = load_file(rel, text.encode("utf-8", "surrogatepass"))
        assert_only_problems(problems)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(yamlish, yamlish)
def test_whole_pipeline_on_fuzzed_repository(tmp_path_factory, paper: str, dataset: str) -> None:
    root: Path = tmp_path_factory.mktemp("fuzz")
    write_repo(
        root,
        {
            PAPER_PATH: paper.encode("utf-8", "surrogatepass"),
            "results/datasets/squad2.0.yaml": dataset.encode("utf-8", "surrogatepass"),
        },
    )
    assert_only_problems(pipeline.check(load_repository(root)))
