"""Family 2, schema: a loaded document against its pydantic model, plus ids, file names and folders.

`validate_doc` turns pydantic's errors into problems placed at the offending node, with a
did-you-mean for unknown fields and a hint for values YAML typed differently from what the
contributor meant (`arxiv: 1906.08230` read as a float, `no` read as a boolean).
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from validator.checks.registry import code
from validator.load.yamlload import Doc, Invalid, Path
from validator.model.inputs import AREAS, ID_RE
from validator.report.problem import Problem

EMPTY_FILE = code(
    "empty-file",
    "error",
    "schema",
    "The file is empty or is not a mapping.",
    """
    Every file under `results/` is one YAML mapping (`key: value` lines). An empty file, a
    bare list or a bare string is not one of the file kinds.
    """,
    "- ALBERT\n- BERT",
    "id: question-answering\nname: Question Answering\narea: Natural Language Processing",
)

MISSING_FIELD = code(
    "missing-field",
    "error",
    "schema",
    "A required field is missing.",
    """
    The problem sits at the line of the mapping that lacks the field. Required fields: task
    `id`, `name`, `area`; dataset `id`, `name`, `tasks`, `metrics`; paper `title`, `published`;
    result `task`, `dataset`, `model`, `metrics`.
    """,
    "paper:\n  title: ALBERT\nresults: []",
    'paper:\n  title: ALBERT\n  published: 2019-09-26\n  arxiv: "1909.11942"\nresults: []',
)

UNKNOWN_FIELD = code(
    "unknown-field",
    "error",
    "schema",
    "A field that the format does not define (a typo, usually).",
    """
    Unknown fields are rejected rather than ignored, so that a typo such as `dataste:` cannot
    silently drop a value. The message suggests the closest known field.
    """,
    "  - task: question-answering\n    dataste: squad2.0",
    "  - task: question-answering\n    dataset: squad2.0",
)

WRONG_TYPE = code(
    "wrong-type",
    "error",
    "schema",
    "A value has the wrong type (YAML read it as something else than was meant).",
    """
    YAML types unquoted values: `1906.08230` is a number, `no` and `yes` are booleans,
    `2019-09-26` is a date. Where a string is meant, quote it. The hint shows the quoted form.
    """,
    "arxiv: 1906.08230   # YAML reads 1906.0823",
    'arxiv: "1906.08230"',
)

INVALID_VALUE = code(
    "invalid-value",
    "error",
    "schema",
    "A value does not have the required form (pattern, allowed values, bounds).",
    """
    Identifiers are slugs (`^[a-z0-9]+(?:[-.][a-z0-9]+)*$`), arXiv ids are bare (`1909.11942`,
    no version, no URL), DOIs are bare (`10.18653/v1/N19-1423`), URLs are `https`, areas are one
    of Papers with Code's sixteen.
    """,
    "area: NLP",
    "area: Natural Language Processing",
)

INVALID_DATE = code(
    "invalid-date",
    "error",
    "schema",
    "A date that does not exist or is not in YYYY-MM-DD, YYYY-MM or YYYY form.",
    """
    Dates are written `2019-09-26`, or `2019-09` / `2019` when the day or month is unknown.
    Dates that do not exist (`2019-02-30`) are rejected.
    """,
    "published: 2019-02-30",
    "published: 2019-02",
)

VALUE_NOT_A_NUMBER = code(
    "value-not-a-number",
    "error",
    "schema",
    "A metric value is a string (or a boolean) instead of a number.",
    """
    Metric values are numbers as written in the paper's table, without units: `89.09`, not
    `"89.09%"`. A value with an uncertainty is `{value: 0.8428, error: 0.0014}`.
    """,
    'metrics: {Accuracy: "89.09%", Test Accuracy: "0.8428 ± 0.0014"}',
    "metrics: {Accuracy: 89.09, Test Accuracy: {value: 0.8428, error: 0.0014}}",
)

NO_PAPER_IDENTIFIER = code(
    "no-paper-identifier",
    "error",
    "schema",
    "A paper without any of `arxiv`, `doi`, `url`.",
    """
    A paper must be findable: give its arXiv id, its DOI, or an `https` URL of the paper.
    """,
    "paper:\n  title: ALBERT\n  published: 2019-09-26",
    'paper:\n  title: ALBERT\n  published: 2019-09-26\n  arxiv: "1909.11942"',
)

INVALID_ID = code(
    "invalid-id",
    "error",
    "schema",
    "A file name (the paper id) is not a valid id.",
    """
    A paper's id is its file name without `.yaml` and must be a slug: lowercase ASCII letters
    and digits, words joined by single `-` or `.`, at most 120 characters.
    """,
    "results/papers/2019/ALBERT_Paper.yaml",
    "results/papers/2019/albert-a-lite-bert-for-self-supervised.yaml",
)

ID_MISMATCH = code(
    "id-mismatch",
    "error",
    "schema",
    "A task or dataset `id` differs from its file name.",
    """
    `results/tasks/question-answering.yaml` must say `id: question-answering`, so that a
    reader who knows an id knows the file, and two files can never claim one id.
    """,
    "# results/datasets/squad2.yaml\nid: squad2.0",
    "# results/datasets/squad2.0.yaml\nid: squad2.0",
)

WRONG_YEAR_FOLDER = code(
    "wrong-year-folder",
    "error",
    "schema",
    "A paper file is not in the folder of its publication year.",
    """
    Paper files live in `results/papers/<year>/` where `<year>` is the year of
    `paper.published`. Move the file.
    """,
    "# results/papers/2020/albert.yaml\npaper: {published: 2019-09-26, ...}",
    "# results/papers/2019/albert.yaml\npaper: {published: 2019-09-26, ...}",
)

UNEXPECTED_FILE = code(
    "unexpected-file",
    "error",
    "schema",
    "A YAML file under `results/` that is not in the layout.",
    """
    The layout is `results/tasks/<id>.yaml`, `results/datasets/<id>.yaml`,
    `results/metrics.yaml` and `results/papers/<year>/<id>.yaml` (extension `.yaml`). Any other
    YAML file would be silently ignored, so it is reported.
    """,
    "results/papers/albert.yml",
    "results/papers/2019/albert-a-lite-bert-for-self-supervised.yaml",
)

_ID_HINT = "use lowercase letters and digits joined by single '-' or '.', e.g. squad2.0-dev"
_PATTERN_HINTS = {
    "arxiv": 'a bare arXiv id without version or URL, as a string: "1909.11942"',
    "doi": "a bare DOI without https://doi.org/: 10.18653/v1/N19-1423",
    "url": "an https URL",
    "homepage": "an https URL",
    "published": "YYYY-MM-DD, or YYYY-MM / YYYY when the day or month is unknown",
    "evaluated_on": "YYYY-MM-DD, or YYYY-MM / YYYY when the day or month is unknown",
}


def suggest(word: str, candidates: typing.Iterable[str]) -> str | None:
    """The closest candidate to `word`, case-insensitively, or None. Candidates are taken in
    sorted order, so that of two that differ only in case the same one wins in every run (a set's
    order changes with the hash seed)."""
    pool = {c.casefold(): c for c in sorted(candidates)}
    if word.casefold() in pool:
        return pool[word.casefold()]
    found = difflib.get_close_matches(word.casefold(), list(pool), n=1, cutoff=0.6)
    return pool[found[0]] if found else None


def did_you_mean(word: str, candidates: typing.Iterable[str]) -> str:
    best = suggest(word, candidates)
    return f"; did you mean {best!r}?" if best else ""


def validate_doc(doc: Doc, model: type[BaseModel]) -> tuple[BaseModel | None, list[Problem]]:
    """Validate a loaded document against `model`; problems point at the offending nodes."""
    if not isinstance(doc.data, dict):
        what = "empty" if doc.data is None else f"a {type(doc.data).__name__}, not a mapping"
        return None, [EMPTY_FILE(doc.file, doc.at(()), f"the file is {what}")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        problems: list[Problem] = []
        seen: set[Path] = set()
        for err in exc.errors(include_url=False):
            path, missing = _doc_path(doc.data, err["loc"])
            if _wrong_union_member(err["loc"], _value_at(doc.data, path)):
                continue
            key = (*path, missing or "")
            if key in seen:
                continue
            seen.add(key)
            problems.append(_problem(doc, model, err, path, missing))
        return None, problems


def _doc_path(data: Any, loc: tuple[Any, ...]) -> tuple[Path, str | None]:
    """Map pydantic's loc to a path in the data, skipping union-member tags."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and part not in node:
            # a missing key, or a union member's name (e.g. 'Uncertain', 'float')
            if part[:1].islower() and "[" not in part and part not in ("float", "int", "str"):
                return tuple(path), part
    return tuple(path), None


def _wrong_union_member(loc: tuple[Any, ...], value: Any) -> bool:
    """For `number | {value, error}`, keep only the errors of the member the input looks like."""
    if "float" in loc:
        return isinstance(value, dict)
    if "Uncertain" in loc:
        return not isinstance(value, dict)
    return False


def _fields_at(model: type[BaseModel], path: Path) -> list[str]:
    """Names of the fields allowed in the mapping at `path`, for did-you-mean."""
    current: Any = model
    for part in path:
        current = _descend(current, part)
        if current is None:
            return []
    return list(current.model_fields) if _is_model(current) else []


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _descend(tp: Any, part: str | int) -> Any:
    for candidate in _unwrap(tp):
        if _is_model(candidate) and isinstance(part, str) and part in candidate.model_fields:
            return candidate.model_fields[part].annotation
        origin = typing.get_origin(candidate)
        if origin is list and isinstance(part, int):
            return typing.get_args(candidate)[0]
        if origin is dict and isinstance(part, str):
            return typing.get_args(candidate)[1]
    return None


def _unwrap(tp: Any) -> list[Any]:
    out: list[Any] = []
    todo = [tp]
    while todo:
        t = todo.pop()
        origin = typing.get_origin(t)
        if origin is typing.Annotated:
            todo.append(typing.get_args(t)[0])
        elif origin is typing.Union or origin is types.UnionType:
            todo.extend(typing.get_args(t))
        else:
            out.append(t)
    return out


def _yaml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, _dt.date):
        return "a date"
    if value is None:
        return "empty (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a string"


def _value_at(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def _problem(
    doc: Doc, model: type[BaseModel], err: Any, path: Path, missing: str | None
) -> Problem:
    etype: str = err["type"]
    file = doc.file
    where = ".".join(str(p) for p in path) or "the file"
    if missing is not None:
        if etype == "extra_forbidden":  # pragma: no cover - extra keys exist in the data
            pass
        return MISSING_FIELD(
            file, doc.at(path), f"{where}: required field {missing!r} is missing", f"add `{missing}:`"
        )
    value = _value_at(doc.data, path)
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    pos = doc.at(path)
    raw = doc.raw.get(path)
    if etype == "extra_forbidden":
        allowed = _fields_at(model, path[:-1])
        best = suggest(str(path[-1]), allowed)
        return UNKNOWN_FIELD(
            file,
            pos,
            f"unknown field {path[-1]!r} in {'.'.join(str(p) for p in path[:-1]) or 'the file'}"
            + (f"; did you mean {best!r}?" if best else ""),
            f"write `{best}:`" if best else f"known fields: {', '.join(allowed)}",
        )
    if isinstance(value, Invalid) or (
        field in ("published", "evaluated_on") and etype in ("value_error", "string_pattern_mismatch")
    ):
        if isinstance(value, Invalid) and value.kind != "timestamp":
            return INVALID_VALUE(file, pos, f"{where}: {value!r} is not a valid {value.kind}")
        return INVALID_DATE(
            file,
            pos,
            f"{where}: {str(value)!r} is not a date that exists",
            "write YYYY-MM-DD, or YYYY-MM / YYYY when the day or month is unknown",
        )
    if path[-2:-1] == ("metrics",) and path[:1] == ("results",) or _is_metric_value(path):
        if isinstance(value, str | bool):
            return VALUE_NOT_A_NUMBER(file, pos, f"{where}: {value!r} is not a number", _number_hint(value))
    if etype == "value_error" and "at least one of arxiv" in str(err.get("msg", "")):
        return NO_PAPER_IDENTIFIER(
            file, pos, "the paper has none of arxiv, doi, url", 'add `arxiv: "<id>"`, `doi:` or `url:`'
        )
    if etype in ("string_type", "model_type", "list_type", "dict_type", "float_type", "int_type",
                 "bool_type", "float_parsing", "bool_parsing", "tuple_type", "int_parsing",
                 "literal_error") and raw is not None and etype != "literal_error":
        quoted = raw.replace('"', '\\"')
        message = f"{where}: YAML read `{raw}` as {_yaml_type(value)}"
        if field == "arxiv" and isinstance(value, float):
            message = f"arxiv: YAML read `{raw}` as the number {value!r}, but an arXiv id is a string"
        else:
            message += f", but {_expected(etype)} is expected"
        return WRONG_TYPE(file, pos, message,
                          f'quote it: {field or where}: "{quoted}"' if etype == "string_type" else None)
    if etype.endswith("_type") or etype.endswith("_parsing"):
        return WRONG_TYPE(
            file, pos, f"{where}: expected {_expected(etype)}, found {_yaml_type(value)}"
        )
    if etype == "literal_error":
        allowed = list(AREAS) if field == "area" else _literal_values(err)
        best = suggest(str(value), allowed)
        return INVALID_VALUE(
            file,
            pos,
            f"{where}: {value!r} is not one of the allowed values" + (f"; did you mean {best!r}?" if best else ""),
            f"write {best}" if best else f"one of: {', '.join(allowed)}",
        )
    if etype == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(field)
        message = f"{where}: {value!r} is not a valid {field or 'value'}"
        if field in ("id", "parent", "tasks", "task", "dataset") or (len(path) >= 2 and path[-2] == "tasks"):
            hint = _ID_HINT
            message = f"{where}: {value!r} is not a valid id"
        if field == "arxiv" and isinstance(value, str):
            hint = _arxiv_hint(value)
        return INVALID_VALUE(file, pos, message, hint)
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    return INVALID_VALUE(file, pos, f"{where}: {msg}")


def _is_metric_value(path: Path) -> bool:
    return len(path) == 5 and path[0] == "results" and path[2] == "metrics"


def _expected(etype: str) -> str:
    return {
        "string_type": "a string",
        "model_type": "a mapping",
        "dict_type": "a mapping",
        "list_type": "a list",
        "tuple_type": "a list",
        "float_type": "a number",
        "float_parsing": "a number",
        "int_type": "an integer",
        "int_parsing": "an integer",
        "bool_type": "true or false",
        "bool_parsing": "true or false",
    }.get(etype, "another type")


def _literal_values(err: Any) -> list[str]:
    expected = str(err.get("ctx", {}).get("expected", ""))
    return re.findall(r"'([^']*)'", expected)


_NUM = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"


def _number_hint(value: Any) -> str:
    if isinstance(value, bool):
        return "write the number"
    text = value.strip()
    m = re.fullmatch(rf"({_NUM})\s*%", text)
    if m:
        return f"write {m.group(1).replace(',', '')} (the unit is declared by the dataset)"
    m = re.fullmatch(rf"({_NUM})\s*(?:±|\+/-|\+-)\s*({_NUM})", text)
    if m:
        return f"write {{value: {m.group(1)}, error: {m.group(2)}}}"
    if re.fullmatch(_NUM, text):
        return f"write {text.replace(',', '')} without quotes"
    return "write the number as it appears in the paper, without quotes or units"


def _arxiv_hint(value: str) -> str:
    m = re.search(r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?", value)
    if m:
        return f'write arxiv: "{m.group(1)}" (no version, no URL)'
    return _PATTERN_HINTS["arxiv"]


def check_file_identity(kind: str, file: str, doc: Doc, model: BaseModel) -> list[Problem]:
    """Id/file-name agreement for tasks and datasets; id and year folder for papers."""
    stem = file.rsplit("/", 1)[-1].removesuffix(".yaml")
    problems: list[Problem] = []
    if kind in ("task", "dataset"):
        model_id = model.id
        if model_id != stem:
            problems.append(
                ID_MISMATCH(
                    file,
                    doc.at(("id",)),
                    f"id {model_id!r} differs from the file name {stem + '.yaml'!r}",
                    f"rename the file to {model_id}.yaml, or write id: {stem}",
                )
            )
    elif kind == "paper":
        if not ID_RE.match(stem) or len(stem) > 120:
            problems.append(
                INVALID_ID(file, (1, 1), f"the file name {stem!r} is not a valid paper id", _ID_HINT)
            )
        year = model.paper.published[:4]
        folder = file.split("/")[-2]
        if folder != year:
            problems.append(
                WRONG_YEAR_FOLDER(
                    file,
                    doc.at(("paper", "published")),
                    f"the paper was published in {year} but the file is in papers/{folder}/",
                    f"move the file to results/papers/{year}/",
                )
            )
    return problems
