"""Family 5, paper and code links: identifier syntax always, and with `--online` what the services say.

The offline check (`link_syntax`) goes beyond the schema's patterns: an arXiv id that has the
right shape but cannot exist (month 13, a four-digit number after 2015, an unknown archive), and
code links that are not repository URLs of a known code host. `online_problems` is called by
`pwc validate --online`: it looks every identifier up (cache first, see `validator.online`) and
compares what the services say with the file.
"""

from __future__ import annotations

import datetime as _dt
import html
import re
import unicodedata
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from validator.checks.registry import code, repository_check
from validator.report.problem import Problem

if TYPE_CHECKING:
    from validator.load.repository import Entry, Repository
    from validator.model.inputs import PaperFile
    from validator.online.progress import Progress
    from validator.online.settings import Settings

ARXIV_ID_IMPOSSIBLE = code(
    "arxiv-id-impossible",
    "error",
    "links",
    "An arXiv id has the right shape but no paper can have it.",
    """
    New-style ids are `YYMM.NNNNN`: the month is 01–12, the scheme started in April 2007
    (`0704`), and the number has four digits until December 2014 and five from January 2015
    (`1501.00001`). Old-style ids are `archive/YYMMNNN` with an arXiv archive name
    (`hep-th`, `cs`, `math`, ...) from August 1991 to March 2007. Copy the id from the paper's
    arXiv page.
    """,
    'arxiv: "1913.01234"    # there is no 13th month',
    'arxiv: "1912.01234"',
)

CODE_URL_NOT_REPOSITORY = code(
    "code-url-not-repository",
    "error",
    "links",
    "A code link on a known code host is not a repository URL.",
    """
    A code link points at a repository: `https://github.com/<owner>/<repo>` (a deeper path
    inside it, such as `/tree/main/examples`, is fine). A link to a user or organisation, a
    search or a topic page is not a repository.
    """,
    "  code:\n    - url: https://github.com/google-research",
    "  code:\n    - url: https://github.com/google-research/ALBERT",
)

CODE_URL_UNKNOWN_HOST = code(
    "code-url-unknown-host",
    "warning",
    "links",
    "A code link is not on a known code host.",
    """
    Code links are expected on a code host (GitHub, GitLab, Bitbucket, Hugging Face, Codeberg,
    Gitee, SourceForge) so that they can be checked and shown with the repository's name.
    A link elsewhere (a project page, a personal site) is kept but cannot be checked; link the
    repository itself if there is one.
    """,
    "    - url: https://example.org/our-code.zip",
    "    - url: https://github.com/example-org/our-code",
)

PAPER_NOT_FOUND = code(
    "paper-not-found",
    "error",
    "links",
    "With --online: the service answers that the paper's arXiv id or DOI does not exist.",
    """
    `pwc validate --online` asks arXiv for `arxiv:` ids and Crossref for `doi:`s. When the
    service answers that there is no such paper, the identifier is wrong (a typo, a swapped
    digit, an id of another paper's draft). A DOI registered with another agency than Crossref
    (such as DataCite) is recognised and not reported.
    """,
    'arxiv: "1909.11924"   # digits swapped',
    'arxiv: "1909.11942"',
)

TITLE_MISMATCH = code(
    "title-mismatch",
    "warning",
    "links",
    "With --online: the file's title differs from the title the service gives.",
    """
    Titles are compared after normalising case, punctuation, spacing, LaTeX (`$\\alpha$`,
    `{BERT}`) and accents, so only a real difference is reported: the id may belong to another
    paper, or the title was shortened or mistyped. Both titles are shown.
    """,
    'title: "ALBERT: A Lite BERT"\narxiv: "1909.11942"',
    'title: "ALBERT: A Lite BERT for Self-supervised Learning of Language Representations"\narxiv: "1909.11942"',
)

DATE_MISMATCH = code(
    "date-mismatch",
    "warning",
    "links",
    "With --online: `published` is far from the date the service gives.",
    """
    `published` should be the paper's first public date, usually its first arXiv version. It
    is compared with arXiv's first-version date and Crossref's publication dates; a
    difference of more than 60 days (partial dates count as their whole month or year) is
    reported.
    """,
    'published: 2020-04-26   # the conference, months after the preprint\narxiv: "1909.11942"',
    'published: 2019-09-26\narxiv: "1909.11942"',
)

CODE_REPO_NOT_FOUND = code(
    "code-repo-not-found",
    "warning",
    "links",
    "With --online: a code link's repository does not exist (or is private).",
    """
    GitHub answers that the repository does not exist: it was deleted, renamed without a
    redirect, made private, or the link has a typo.
    """,
    "    - url: https://github.com/google-research/ALBRET",
    "    - url: https://github.com/google-research/ALBERT",
)

CODE_REPO_ARCHIVED = code(
    "code-repo-archived",
    "warning",
    "links",
    "With --online: a code link's repository is archived (read-only, no longer maintained).",
    """
    The link still works, but the repository is archived by its owners. Keep it if it is the
    paper's code; add a maintained fork or successor if there is one.
    """,
    "    - url: https://github.com/example-org/retired-project",
    "    - url: https://github.com/example-org/maintained-project",
)

LOOKUP_FAILED = code(
    "lookup-failed",
    "warning",
    "links",
    "With --online: a service could not be reached, so its look-ups were skipped.",
    """
    A service that does not answer (no connection, timeouts, errors, rate limits, malformed
    answers) gives one warning per service, at the first identifier that could not be looked
    up, with the reason; the other checks are unaffected. Failures are not cached: the next
    run asks again. Services share a 60-second budget for failures, so a run never hangs.
    """,
    'arxiv: "1909.11942"   # while arXiv is unreachable: lookup-failed, the id is not judged',
    'arxiv: "1909.11942"   # once arXiv answers again: checked, then cached',
)

# --- identifier syntax ------------------------------------------------------------------------

# arXiv's archives of the old scheme (before April 2007), whose ids are `archive/YYMMNNN`.
OLD_ARCHIVES = frozenset(
    """acc-phys adap-org alg-geom ao-sci astro-ph atom-ph bayes-an chao-dyn chem-ph cmp-lg
    comp-gas cond-mat cs dg-ga funct-an gr-qc hep-ex hep-lat hep-ph hep-th math math-ph
    mtrl-th nlin nucl-ex nucl-th patt-sol physics plasm-ph q-alg q-bio quant-ph solv-int
    supr-con""".split()
)

CODE_HOSTS = {
    "github.com": 2,
    "gitlab.com": 2,
    "bitbucket.org": 2,
    "huggingface.co": 1,
    "codeberg.org": 2,
    "gitee.com": 2,
    "sourceforge.net": 2,
}
# github.com/<first segment> pages that are not owners.
_GITHUB_NOT_OWNERS = frozenset(
    """about apps collections contact customer-stories enterprise events explore features issues
    login marketplace new notifications orgs organizations pricing pulls search settings
    sponsors topics trending users""".split()
)
_GITHUB_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_GITHUB_REPO = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


def arxiv_impossible(value: str, today: _dt.date | None = None) -> str | None:
    """Why an arXiv id of the right shape cannot exist, or None when it can."""
    # The schema has checked the shape; this only tells the two schemes apart (`idutils` is not
    # imported here: it costs a quarter of a second, more than validating a PR's files).
    if "/" not in value and re.fullmatch(r"\d{4}\.\d{4,5}", value):
        yymm, number = value.split(".", 1)
        year, month = 2000 + int(yymm[:2]), int(yymm[2:])
        if not 1 <= month <= 12:
            return f"{value!r} has month {yymm[2:]}: the first four digits are YYMM"
        if (year, month) < (2007, 4):
            return f"{value!r} is dated before April 2007, when new-style ids began"
        if (year, month) < (2015, 1) and len(number) != 4:
            return f"{value!r}: ids before 2015 have four digits after the dot"
        if (year, month) >= (2015, 1) and len(number) != 5:
            return f"{value!r}: ids from 2015 on have five digits after the dot"
        today = today or _dt.date.today()
        if (year, month) > (today.year, today.month):
            return f"{value!r} is dated {year}-{month:02d}, in the future"
        return None
    match = re.fullmatch(r"([a-z-]+)(?:\.[A-Z]{2})?/(\d{2})(\d{2})(\d{3})", value)
    if match is None:
        return None  # not an id shape this check knows; the schema reports shapes
    archive, yy, mm = match.group(1), int(match.group(2)), int(match.group(3))
    if archive not in OLD_ARCHIVES:
        return f"{archive!r} is not an arXiv archive of old-style ids (hep-th, cs, math, ...)"
    year = 1900 + yy if yy >= 91 else 2000 + yy
    if not 1 <= mm <= 12 or not (1991, 8) <= (year, mm) <= (2007, 3):
        return f"{value!r}: old-style ids run from 9108 to 0703 (YYMM)"
    return None


@dataclass(frozen=True, slots=True)
class CodeUrl:
    host: str
    parts: tuple[str, ...]

    @property
    def github_key(self) -> str | None:
        """`owner/repo` in lowercase for a GitHub repository link (GitHub ignores case)."""
        if self.host != "github.com":
            return None
        return f"{self.parts[0]}/{self.parts[1].removesuffix('.git')}".lower()


def parse_code_url(url: str) -> tuple[CodeUrl | None, Problem | None, str | None]:
    """(parsed link, None, None), or (None, code, message) for a link that is not a repository."""
    split = urllib.parse.urlsplit(url)
    host = (split.hostname or "").lower().removeprefix("www.")
    parts = tuple(p for p in split.path.split("/") if p)
    need = CODE_HOSTS.get(host)
    if need is None:
        return None, CODE_URL_UNKNOWN_HOST, f"{url} is not on a known code host ({', '.join(CODE_HOSTS)})"
    if host == "huggingface.co" and parts[:1] in (("spaces",), ("datasets",)):
        need = 3
    if len(parts) < need:
        return None, CODE_URL_NOT_REPOSITORY, f"{url} is not a repository URL: {host}/<owner>/<repository> expected"
    if host == "github.com":
        owner, repo = parts[0], parts[1].removesuffix(".git")
        if (
            owner.lower() in _GITHUB_NOT_OWNERS
            or not _GITHUB_OWNER.match(owner)
            or not _GITHUB_REPO.match(repo)
            or repo in (".", "..")
        ):
            return None, CODE_URL_NOT_REPOSITORY, f"{url} is not a GitHub repository URL"
    return CodeUrl(host, parts), None, None


def _paper_links(entry: Entry[PaperFile]) -> Iterator[Problem]:
    paper = entry.model.paper
    if paper.arxiv:
        why = arxiv_impossible(paper.arxiv)
        if why:
            yield ARXIV_ID_IMPOSSIBLE(entry.file, entry.doc.at(("paper", "arxiv")), why,
                                      "copy the id from the paper's arXiv page")
    for i, link in enumerate(paper.code):
        _, problem_code, message = parse_code_url(link.url)
        if problem_code is not None and message is not None:
            hint = ("link the repository: https://github.com/<owner>/<repository>"
                    if problem_code is CODE_URL_NOT_REPOSITORY else None)
            yield problem_code(entry.file, entry.doc.at(("paper", "code", i, "url")), message, hint)


@repository_check
def link_syntax(repo: Repository) -> Iterator[Problem]:
    """arXiv ids that cannot exist and code links that are not repositories (always, offline)."""
    for entry in repo.papers:
        yield from _paper_links(entry)
    for dataset in repo.datasets.values():
        ref = dataset.model.introduced_in
        if ref is not None and ref.arxiv:
            why = arxiv_impossible(ref.arxiv)
            if why:
                yield ARXIV_ID_IMPOSSIBLE(dataset.file, dataset.doc.at(("introduced_in", "arxiv")), why,
                                          "copy the id from the paper's arXiv page")


# --- comparing with what the services say -----------------------------------------------------

_TAGS = re.compile(r"<[^>]+>")
_LATEX_ACCENT = re.compile(r"\\[`'^\"~=.uvHcdbkr]\s*\{?([A-Za-z])\}?")
# Formatting commands vanish with their backslash; other commands keep their name (\alpha -> alpha).
_LATEX_FORMAT = re.compile(
    r"\\(?:textbf|textit|textsc|texttt|textrm|text|emph|mathrm|mathbf|mathcal|mathbb|mathit|boldsymbol|"
    r"operatorname)\b\s*"
)
_LATEX_COMMAND = re.compile(r"\\([A-Za-z]+)\s*")
_NOT_WORD = re.compile(r"[^0-9a-z]+")

DATE_TOLERANCE_DAYS = 60


def _greek(char: str) -> str:
    # α and $\alpha$ are the same title: Greek letters are compared by their names.
    name = unicodedata.name(char, "")
    if name.startswith(("GREEK SMALL LETTER ", "GREEK CAPITAL LETTER ")):
        return name.rsplit(" ", 1)[-1].lower()
    return char


def normalise_title(title: str) -> str:
    """A title reduced to its letters and digits: no case, accents, punctuation, spacing, LaTeX or HTML."""
    text = html.unescape(_TAGS.sub(" ", title))  # Crossref titles may carry <i>, <sub>, MathML
    text = text.replace("&", " and ")
    text = _LATEX_ACCENT.sub(r"\1", text)  # \'e -> e
    text = _LATEX_FORMAT.sub("", text)
    text = _LATEX_COMMAND.sub(r"\1", text)
    text = "".join(_greek(c) if "\u0370" <= c <= "\u03ff" else c for c in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return _NOT_WORD.sub("", text)


def _interval(value: str) -> tuple[_dt.date, _dt.date] | None:
    """The days a possibly partial date covers: 2019 is the whole year, 2019-09 the month."""
    try:
        parts = [int(p) for p in value[:10].split("-")]
        if len(parts) == 1:
            return _dt.date(parts[0], 1, 1), _dt.date(parts[0], 12, 31)
        if len(parts) == 2:
            first = _dt.date(parts[0], parts[1], 1)
            following = _dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return first, following - _dt.timedelta(days=1)
        day = _dt.date(parts[0], parts[1], parts[2])
        return day, day
    except (ValueError, IndexError):
        return None


def days_apart(a: str, b: str) -> int | None:
    """Days between two possibly partial dates (0 when their ranges overlap)."""
    x, y = _interval(a), _interval(b)
    if x is None or y is None:
        return None
    if x[1] < y[0]:
        return (y[0] - x[1]).days
    if y[1] < x[0]:
        return (x[0] - y[1]).days
    return 0


def arxiv_key(value: str) -> str:
    """The id arXiv knows a paper by: no `arXiv:` prefix, no subject class (`math.GT/...` -> `math/...`)."""
    import idutils  # only online runs pay for importing it

    return idutils.normalize_arxiv(value).removeprefix("arXiv:")


def _title_problem(entry: Entry[PaperFile], said: list[tuple[str, str]]) -> Problem | None:
    title = entry.model.paper.title

    def key(text: str) -> str:
        # A title of no Latin letters or digits at all is compared as written, less case and spacing.
        return normalise_title(text) or " ".join(text.casefold().split())

    if not said or any(key(t) == key(title) for _, t in said):
        return None
    service, theirs = said[0]
    others = "".join(f"; {s} says {t!r}" for s, t in said[1:])
    return TITLE_MISMATCH(
        entry.file,
        entry.doc.at(("paper", "title")),
        f"the title differs from {service}'s: the file says {title!r}, {service} says {theirs!r}{others}",
        f'write title: "{theirs}" if that is the paper',
    )


def _date_problem(entry: Entry[PaperFile], dates: list[tuple[str, str]]) -> Problem | None:
    published = str(entry.model.paper.published)
    gaps = [(d, s, days_apart(published, d)) for s, d in dates]
    known = [(d, s, g) for d, s, g in gaps if g is not None]
    if not known or any(g <= DATE_TOLERANCE_DAYS for _, _, g in known):
        return None
    date, service, gap = min(known, key=lambda x: x[2])
    return DATE_MISMATCH(
        entry.file,
        entry.doc.at(("paper", "published")),
        f"published is {published}, but {service} gives {date} ({gap} days apart)",
        f"write published: {date} if that is the paper's first public date",
    )


def online_problems(
    repo: Repository,
    selected: set[str] | None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> list[Problem]:
    """Look up the identifiers of the selected paper files (None: all) and report what differs."""
    from validator.online.lookup import look_up

    papers = [e for e in repo.papers if selected is None or e.file in selected]
    arxiv_ids: list[str] = []
    dois: list[str] = []
    repos: list[str] = []
    for entry in papers:
        paper = entry.model.paper
        if paper.arxiv and not arxiv_impossible(paper.arxiv):
            arxiv_ids.append(arxiv_key(paper.arxiv))
        if paper.doi:
            dois.append(paper.doi.lower())
        for link in paper.code:
            parsed, _, _ = parse_code_url(link.url)
            if parsed is not None and parsed.github_key:
                repos.append(parsed.github_key)
    if not (arxiv_ids or dois or repos):
        return []
    found = look_up(arxiv_ids, dois, repos, settings=settings, progress=progress)

    problems: list[Problem] = []
    skipped: dict[str, list[tuple[str, tuple[int, int]]]] = {}
    for entry in papers:
        paper = entry.model.paper
        titles: list[tuple[str, str]] = []
        dates: list[tuple[str, str]] = []
        looked_up = (
            ("arXiv", "arxiv", arxiv_key(paper.arxiv) if paper.arxiv and not arxiv_impossible(paper.arxiv) else None,
             found.arxiv, f"arXiv has no paper {paper.arxiv}"),
            ("Crossref", "doi", paper.doi.lower() if paper.doi else None, found.doi,
             f"the DOI {paper.doi} does not exist (neither Crossref nor any other registration agency knows it)"),
        )
        for service, field, key, answers, missing in looked_up:
            if key is None:
                continue
            pos = entry.doc.at(("paper", field))
            answer = answers.get(key)
            if answer is None:
                skipped.setdefault(service, []).append((entry.file, pos))
            elif not answer.found:
                note = f" ({answer.note})" if answer.note else ""
                problems.append(PAPER_NOT_FOUND(entry.file, pos, missing + note, f"check the {field} id"))
            else:
                if answer.title:
                    titles.append((service, answer.title))
                dates.extend((service, d) for d in answer.dates)
        for problem in (_title_problem(entry, titles), _date_problem(entry, dates)):
            if problem is not None:
                problems.append(problem)
        for i, link in enumerate(paper.code):
            parsed, _, _ = parse_code_url(link.url)
            key = parsed.github_key if parsed else None
            if key is None:
                continue
            pos = entry.doc.at(("paper", "code", i, "url"))
            repo_answer = found.github.get(key)
            if repo_answer is None:
                skipped.setdefault("GitHub", []).append((entry.file, pos))
            elif not repo_answer.found:
                problems.append(CODE_REPO_NOT_FOUND(
                    entry.file, pos, f"GitHub has no repository {key} (deleted, renamed or private)",
                    "link the repository's current URL, or remove the link"))
            elif repo_answer.archived:
                problems.append(CODE_REPO_ARCHIVED(
                    entry.file, pos, f"the repository {repo_answer.full_name or key} is archived on GitHub"))
    for service, places in skipped.items():
        reason = found.failures.get(service, "no answer")
        file, pos = places[0]
        count = len(places)
        problems.append(LOOKUP_FAILED(
            file, pos,
            f"{service} could not be asked ({reason}); {count} look-up{'s' if count != 1 else ''} skipped",
            "run again later; answers already received are cached",
        ))
    return problems
