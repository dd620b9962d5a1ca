"""The files `pwc build` publishes, as pydantic models: leaderboard, index, paper page, archive export.

These models are the single source of truth for the published shapes: `pwc schema` writes
`schemas/<name>.schema.json` from `OUTPUTS`, docs/api.md describes them, and the build tests check
every file the build writes against them. The build itself produces plain dicts (validating tens
of thousands of rows through pydantic would dominate its time); the tests keep the two in step.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from validator.model.inputs import PARTIAL_DATE_PATTERN

SchemaVersion = Annotated[
    Literal[1],
    Field(description="Version of this file's shape; it changes only when a field is removed or changes meaning."),
]
PartialDate = Annotated[
    str,
    Field(
        pattern=PARTIAL_DATE_PATTERN,
        description="A date as written in the data: YYYY-MM-DD, or YYYY-MM / YYYY when the day or month is unknown.",
    ),
]
Direction = Literal["higher", "lower"]


class _Out(BaseModel):
    # Not `extra="forbid"`: within a schema_version, fields are only ever added, and a consumer
    # validating with these schemas must accept files newer than its copy of them. (The build's tests
    # check that the files hold no field the models do not know.)
    model_config = ConfigDict(extra="ignore", frozen=True)


class Ref(_Out):
    """A task or dataset: its id and display name."""

    id: str
    name: str


class Metric(_Out):
    name: str = Field(description="The declared name (aliases are normalised to it).")
    direction: Direction | None = Field(description="Which values are better; null only for a dataset in error.")
    unit: str | None


class UncertainValue(_Out):
    """A value reported with an uncertainty."""

    value: float
    error: float


MetricValue = float | UncertainValue


class RowPaper(_Out):
    id: str
    title: str
    arxiv: str | None
    url: str | None = Field(description="The paper's own url, else its arXiv abstract page, else https://doi.org/<doi>.")


class CodeLink(_Out):
    url: str
    official: bool


class Row(_Out):
    """One result on a leaderboard."""

    rank: int | None = Field(
        ge=1, description="1-based competition rank (ties share a rank); null when the primary metric is missing."
    )
    model: str
    paper: RowPaper
    metrics: dict[str, MetricValue] = Field(description="Values under their declared metric names.")
    metrics_text: dict[str, str] = Field(
        description="The same values as written in the data (`86.820`, `0.8428 ± 0.0014`), for display."
    )
    uses_additional_data: bool
    evaluated_on: PartialDate
    code: list[CodeLink]
    source: str = Field(description="The results/ file the row comes from, relative to the repository root.")


class HistoryPoint(_Out):
    """A result that was strictly better on the primary metric than every earlier one."""

    date: PartialDate
    model: str
    paper_id: str
    value: float
    value_text: str | None


class Leaderboard(_Out):
    """`api/v1/leaderboards/<task-id>/<dataset-id>.json`: one (task, dataset) pair, ranked."""

    schema_version: SchemaVersion
    task: Ref
    dataset: Ref
    metrics: list[Metric] = Field(description="The dataset's declared metrics, in declaration order.")
    primary_metric: str | None
    direction: Direction | None = Field(description="The primary metric's direction.")
    rows: list[Row] = Field(description="Ranked rows, first place first; rows without the primary metric last.")
    sota_history: list[HistoryPoint] = Field(description="The running best of the primary metric, in date order.")


class FirstPlace(_Out):
    model: str
    paper_id: str
    value: float
    value_text: str | None


class Counts(_Out):
    leaderboards: int
    tasks: int
    datasets: int
    papers: int
    results: int


class IndexLeaderboard(_Out):
    task: Ref
    dataset: Ref
    primary_metric: str | None
    direction: Direction | None
    unit: str | None
    rows: int
    first: FirstPlace | None
    path: str = Field(description="Path of the leaderboard file, relative to api/v1/.")


class IndexTask(_Out):
    id: str
    name: str
    area: str
    parent: str | None
    description: str | None
    synonyms: list[str]
    subtasks: list[str]
    datasets: list[str]
    leaderboards: int


class IndexMetric(Metric):
    range: tuple[float, float] | None


class IndexDataset(_Out):
    id: str
    name: str
    full_name: str | None
    homepage: str | None
    description: str | None
    tasks: list[str]
    metrics: list[IndexMetric]
    primary_metric: str | None
    leaderboards: int


class IndexPaper(_Out):
    id: str
    title: str
    published: PartialDate
    venue: str | None
    arxiv: str | None
    results: int
    path: str = Field(description="Path of the paper file, relative to api/v1/.")


class Index(_Out):
    """`api/v1/index.json`: every leaderboard, task, dataset and paper, enough to navigate."""

    schema_version: SchemaVersion
    counts: Counts
    leaderboards: list[IndexLeaderboard]
    tasks: list[IndexTask]
    datasets: list[IndexDataset]
    papers: list[IndexPaper]


class PaperResult(_Out):
    task: Ref
    dataset: Ref
    model: str
    metrics: dict[str, MetricValue]
    metrics_text: dict[str, str]
    rank: int | None
    rows: int = Field(description="The number of rows on the leaderboard.")
    leaderboard: str = Field(description="Path of the leaderboard file, relative to api/v1/.")
    uses_additional_data: bool
    evaluated_on: PartialDate


class RelatedPaper(_Out):
    id: str
    title: str
    published: PartialDate


class PaperPage(_Out):
    """`api/v1/papers/<paper-id>.json`: a paper and its results with their ranks."""

    schema_version: SchemaVersion
    id: str
    title: str
    authors: list[str]
    published: PartialDate
    venue: str | None
    arxiv: str | None
    doi: str | None
    url: str | None = Field(description="The paper's own url, else its arXiv abstract page, else https://doi.org/<doi>.")
    pdf_url: str | None
    abstract: str | None
    code: list[CodeLink]
    source: str
    results: list[PaperResult]
    related: list[RelatedPaper] = Field(description="Papers sharing its leaderboards, most shared first (at most 10).")


class ArchiveLink(_Out):
    title: str
    url: str


class ArchiveRow(_Out):
    model_name: str
    paper_title: str
    paper_url: str
    paper_date: str | None
    code_links: list[ArchiveLink]
    model_links: list[ArchiveLink]
    metrics: dict[str, str] = Field(description="Values as written, as strings, under the declared metric names.")
    uses_additional_data: bool


class ArchiveSota(_Out):
    metrics: list[str]
    rows: list[ArchiveRow]


class ArchiveDataset(_Out):
    dataset: str
    description: str
    dataset_citations: list[ArchiveLink]
    dataset_links: list[ArchiveLink]
    subdatasets: list[ArchiveDataset]
    sota: ArchiveSota


class ArchiveTask(_Out):
    task: str
    description: str
    categories: list[str]
    datasets: list[ArchiveDataset]
    subtasks: list[ArchiveTask]
    source_link: ArchiveLink | None
    synonyms: list[str]


class EvaluationTables(RootModel[list[ArchiveTask]]):
    """`api/v1/evaluation-tables.json`: the Papers with Code archive's sota-extractor format."""


OUTPUTS: dict[str, type[BaseModel]] = {
    "leaderboard": Leaderboard,
    "index": Index,
    "paper-page": PaperPage,
    "evaluation-tables": EvaluationTables,
}
