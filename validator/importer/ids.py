"""Identifiers and names: arXiv ids and DOIs from URLs, slugs, paper ids, dates from ids and names."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote, urlsplit

from validator.model import slugs
from validator.model.inputs import ID_RE

MAX_ID = 120
# Papers with Code kept the title slug's whole words up to about 41 characters:
# albert-a-lite-bert-for-self-supervised, regularizing-and-optimizing-lstm-language.

_ARXIV_URL_RE = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
_ARXIV_ID_RE = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$", re.IGNORECASE)
_DOI_IN_URL_RE = re.compile(r"(?:doi\.org/|/doi/(?:abs/|full/|pdf/|epdf/)?)(10\.\d{4,9}/[^\s?#]+)", re.IGNORECASE)
_ACL_RE = re.compile(r"(?:aclweb\.org|aclanthology\.(?:org|info))/.*?\b([A-Z])(\d{2})-\d{4}\b")
_YEAR_IN_NAME_RE = re.compile(r"\((?:[^()]*\D)?((?:19|20)\d{2})\)")
_PLACEHOLDER_RE = re.compile(r"\x02wzxhzdk:\d+\x03")  # markdown-converter leftovers in model names
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def arxiv_from_url(url: str) -> str | None:
    """`https://arxiv.org/pdf/1909.11942v2.pdf` -> `1909.11942`."""
    found = _ARXIV_URL_RE.match(url.strip())
    return found.group("id") if found else None


def normalise_arxiv(value: str) -> str | None:
    found = _ARXIV_ID_RE.match(value.strip())
    return found.group(1) if found else None


def doi_from_url(url: str) -> str | None:
    found = _DOI_IN_URL_RE.search(url.strip())
    if not found:
        return None
    doi = unquote(found.group(1)).rstrip("/.")
    return doi.removesuffix(".pdf") if doi.endswith(".pdf") else doi


def https_url(url: str) -> str | None:
    """The URL as an `https` URL without spaces, or None when it is not a web URL."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or "." not in parts.netloc:
        return None
    url = "https://" + url.split("://", 1)[1]
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def url_key(url: str) -> str:
    """A URL reduced for identity: no scheme, no `www.`, no trailing slash or `.pdf`, lowercase host."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/").removesuffix(".pdf")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def acl_year(url: str) -> str | None:
    """The year of an ACL Anthology id in a URL: `.../anthology/P18-1116` -> `2018`."""
    found = _ACL_RE.search(url)
    if not found:
        return None
    yy = int(found.group(2))
    return str(1900 + yy if yy >= 60 else 2000 + yy)


def arxiv_month(arxiv: str) -> str | None:
    """The year and month of an arXiv id: `1708.02182` -> `2017-08`; `hep-th/9901001` -> `1999-01`."""
    digits = arxiv[:4] if "." in arxiv[:5] else arxiv.rsplit("/", 1)[-1][:4]
    if not digits.isdigit():
        return None
    yy, mm = int(digits[:2]), int(digits[2:])
    if not 1 <= mm <= 12:
        return None
    year = 1900 + yy if yy >= 91 else 2000 + yy
    return f"{year}-{mm:02d}"


def year_in_name(name: str) -> str | None:
    """`AWD-LSTM (2017)` -> `2017`; `Zhong et al. (2018)` -> `2018`."""
    found = _YEAR_IN_NAME_RE.search(name)
    return found.group(1) if found else None


def clean_text(text: str) -> str:
    """Names as display text: converter placeholders and control characters gone, spaces collapsed."""
    text = _PLACEHOLDER_RE.sub(" ", text)
    text = _CONTROL_RE.sub(" ", text).replace("\ufeff", "")
    return " ".join(text.split())


def slugify(text: str, keep_dots: bool = True) -> str:
    """Lowercase ASCII words joined by `-` (and `.` between digits/letters where written)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    allowed = r"[^a-z0-9.]+" if keep_dots else r"[^a-z0-9]+"
    slug = re.sub(allowed, "-", text)
    slug = re.sub(r"-*\.+-*", ".", slug) if keep_dots else slug
    slug = re.sub(r"[-.]{2,}", "-", slug).strip("-.")
    return slug


def entity_id(name: str, taken: set[str] | None = None) -> str:
    """A task or dataset id from its display name: a valid slug of at most 120 characters, unique."""
    slug = slugify(name)[:MAX_ID].strip("-.") or "unnamed"
    return _unique(slug, taken or set())


def paper_slug(title: str, taken: set[str]) -> str:
    """A Papers-with-Code-style paper id (validator.model.slugs), unique among `taken`."""
    return _unique(slugs.paper_slug(title), taken)


def _unique(slug: str, taken: set[str]) -> str:
    """`slug`, or `slug-1`, `slug-2`, ... (the slug shortened so that the id stays within MAX_ID
    characters) for the first that is not taken."""
    if slug not in taken:
        return slug
    n = 1
    while (candidate := _numbered(slug, n)) in taken:
        n += 1
    return candidate


def _numbered(slug: str, n: int) -> str:
    suffix = f"-{n}"
    return slug[: MAX_ID - len(suffix)].rstrip("-.") + suffix


def valid_id(value: str) -> bool:
    return bool(ID_RE.match(value)) and len(value) <= MAX_ID


def title_key(title: str) -> str:
    """A title reduced for identity: case, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", unicodedata.normalize("NFKD", title).lower()).split())


_NOT_TITLES = {"paper", "link", "here", "pdf", "code", "arxiv", "url", "source", "official", "blog", "slides"}


def usable_title(title: str) -> bool:
    """False for the reference markers the archive has in `paper_title` ("[13] [code]", "[14]", "link")."""
    rest = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", title)
    words = [w for w in re.findall(r"[^\W\d_]{2,}", rest)]
    return bool(words) and not all(w.lower() in _NOT_TITLES for w in words)
