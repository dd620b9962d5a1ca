"""The files contributors write, as pydantic models: task, dataset, metric catalogue, paper file.

These models are the single source of truth for the input format (FORMAT.md, version 1): the
validator checks files against them and `pwc schema` generates `schemas/*.schema.json` from them.
They describe shape only; cross-file rules (references, metric consistency) live in `checks/`.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

ID_PATTERN = r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$"
ID_RE = re.compile(ID_PATTERN)
ARXIV_PATTERN = r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})$"
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
URL_PATTERN = r"^https://[^\s/$.?#][^\s]*$"
PARTIAL_DATE_PATTERN = r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$"
_PARTIAL_DATE_RE = re.compile(PARTIAL_DATE_PATTERN)

AREAS = (
    "Adversarial",
    "Audio",
    "Computer Code",
    "Computer Vision",
    "Graphs",
    "Knowledge Base",
    "Medical",
    "Methodology",
    "Miscellaneous",
    "Music",
    "Natural Language Processing",
    "Playing Games",
    "Reasoning",
    "Robots",
    "Speech",
    "Time Series",
)

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=120)]
Text = Annotated[str, StringConstraints(min_length=1)]
HttpsUrl = Annotated[str, StringConstraints(pattern=URL_PATTERN, max_length=2000)]


def _partial_date(value: Any) -> Any:
    """YAML gives a date for 2019-09-26, an int for 2019 and a string for 2019-09."""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return str(value)
    if isinstance(value, str) and _PARTIAL_DATE_RE.match(value):
        if len(value) == 10:
            _dt.date.fromisoformat(value)  # raises for 2019-02-30: reported as an invalid date
        return value
    return value


PartialDate = Annotated[
    Annotated[str, StringConstraints(pattern=PARTIAL_DATE_PATTERN)],
    BeforeValidator(_partial_date),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": PARTIAL_DATE_PATTERN},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ],
            "description": "A date: YYYY-MM-DD, or YYYY-MM / YYYY when the day or month is unknown.",
        }
    ),
]


def date_sort_key(value: str) -> str:
    """A partial date sorts as its first day: 2019 -> 2019-01-01, 2019-09 -> 2019-09-01."""
    if len(value) == 4:
        return value + "-01-01"
    if len(value) == 7:
        return value + "-01"
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, str_strip_whitespace=False)


class Task(_Strict):
    """`results/tasks/<id>.yaml`."""

    id: Id
    name: Text
    area: Literal[AREAS]  # type: ignore[valid-type]
    parent: Id | None = None
    description: str | None = None
    synonyms: list[Text] = Field(default_factory=list)


class PaperRef(_Strict):
    """A reference to a paper by identifier (used by `introduced_in`)."""

    arxiv: Annotated[str, StringConstraints(pattern=ARXIV_PATTERN)] | None = None
    doi: Annotated[str, StringConstraints(pattern=DOI_PATTERN)] | None = None
    url: HttpsUrl | None = None


Direction = Literal["higher", "lower"]
Number = Annotated[float, Field(strict=False)] | int


class MetricKind(_Strict):
    """A metric kind of the catalogue (`results/metrics.yaml`)."""

    name: Text
    aliases: list[Text] = Field(default_factory=list)
    direction: Direction
    unit: Text | None = None
    range: tuple[float, float] | None = None
    description: str | None = None


class MetricDecl(_Strict):
    """A metric declared by a dataset; fields left out are taken from the catalogue by name."""

    name: Text
    kind: Text | None = Field(
        default=None, description="the catalogue kind this metric is (default: its name)"
    )
    aliases: list[Text] = Field(default_factory=list)
    direction: Direction | None = None
    unit: Text | None = None
    range: tuple[float, float] | None = None
    description: str | None = None


class LessOrEqual(_Strict):
    less_or_equal: tuple[Text, Text]


class F1Spec(_Strict):
    precision: Text
    recall: Text
    f1: Text
    tolerance: float = Field(default=0.1, ge=0)


class F1Of(_Strict):
    f1_of: F1Spec


Constraint = LessOrEqual | F1Of


class Dataset(_Strict):
    """`results/datasets/<id>.yaml`: a dataset, the tasks it serves and the metrics it declares."""

    id: Id
    name: Text
    full_name: str | None = None
    homepage: HttpsUrl | None = None
    description: str | None = None
    introduced_in: PaperRef | None = None
    tasks: list[Id] = Field(min_length=1)
    metrics: list[MetricDecl] = Field(min_length=1)
    primary_metric: Text | None = None
    constraints: list[Constraint] = Field(default_factory=list)


class MetricCatalogue(_Strict):
    """`results/metrics.yaml`: metric kinds that datasets can refer to by name."""

    metrics: list[MetricKind]


class CodeLink(_Strict):
    url: HttpsUrl
    official: bool = False


class Paper(_Strict):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "anyOf": [
                {"required": [key], "properties": {key: {"type": "string"}}}
                for key in ("arxiv", "doi", "url")
            ]
        },
    )

    title: Text
    authors: list[Text] | None = None
    published: PartialDate
    venue: str | None = None
    arxiv: Annotated[str, StringConstraints(pattern=ARXIV_PATTERN)] | None = None
    doi: Annotated[str, StringConstraints(pattern=DOI_PATTERN)] | None = None
    url: HttpsUrl | None = None
    abstract: str | None = None
    code: list[CodeLink] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_identifier(self) -> Paper:
        if not (self.arxiv or self.doi or self.url):
            raise ValueError("a paper needs at least one of arxiv, doi, url")
        return self


Finite = Annotated[float, Field(allow_inf_nan=False)]


class Uncertain(_Strict):
    """A value reported with an uncertainty: `{value: 0.8428, error: 0.0014}`."""

    value: Finite
    error: Finite = Field(ge=0)


def _no_strings(value: Any) -> Any:
    if isinstance(value, str):
        raise ValueError("a metric value must be a number, not a string")
    if isinstance(value, bool):
        raise ValueError("a metric value must be a number, not a boolean")
    return value


MetricValue = Annotated[Finite | Uncertain, BeforeValidator(_no_strings)]


class Result(_Strict):
    task: Id
    dataset: Id
    model: Text
    metrics: dict[Text, MetricValue] = Field(min_length=1)
    uses_additional_data: bool = False
    evaluated_on: PartialDate | None = None
    source: str | None = None
    notes: str | None = None


class PaperFile(_Strict):
    """`results/papers/<year>/<paper-id>.yaml`: one paper and all its results."""

    paper: Paper
    results: list[Result] = Field(default_factory=list)

    @field_validator("results", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


KINDS: dict[str, type[BaseModel]] = {
    "task": Task,
    "dataset": Dataset,
    "paper": PaperFile,
    "metrics": MetricCatalogue,
}
