"""Escaping of contributor text for GitHub comments: inert Markdown that cannot notify anyone.

Everything a contributor wrote (titles, model names, file paths, and problem messages that quote
them) goes through `md_text` or `md_code` before it is put into a comment. The result:

* renders as the same characters the contributor typed (apart from invisible zero-width spaces),
* cannot mention anyone (`@user`, `@org/team`) or reference an issue (`#123`, `GH-123`,
  `owner/repo#123`): GitHub finds mentions and references in the *rendered* text, so an HTML
  entity or a backslash would not stop them; a zero-width space after `@` and `#` does,
* contains no raw HTML (so no forged hidden marker, no `<details>` that swallows the comment),
* contains no link or autolink (`[x](y)`, `https://...`, `www.`), so nothing links to an issue,
* cannot break the layout: no newlines, no table-cell `|`, no emphasis, code, heading, list,
  math or strike-through syntax, no bidirectional overrides, and a bounded length.
"""

from __future__ import annotations

import re
from urllib.parse import quote

ZWSP = "\u200b"
ELLIPSIS = "…"
DEFAULT_MAX_CHARS = 300

# Line breaks and other control characters would end a table row or a list item.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# Bidirectional overrides and isolates can make text read differently from what it is.
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Autolinks: GitHub links `scheme://`, `www.` and e-mail addresses (the `@` is handled below).
_SCHEME = re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)")
_WWW = re.compile(r"(?i)\b(www)(\.)")
# Issue references that do not start with `#`: GH-123.
_GH_REF = re.compile(r"(?i)\b(gh)(-)(?=\d)")
# A line starting with these is a list item, a heading or a block quote in Markdown.
_LEADING_MARK = re.compile(r"^(\s*)([+\-=])")
_LEADING_NUMBER = re.compile(r"^(\s*\d+)([.)])")

# Backslash-escaped ASCII punctuation: code, emphasis, links, tables, headings, math, strike.
_BACKSLASHED = set("\\`*_[]|#~$!")
# HTML-significant characters become entities, so there is never a tag, comment or entity.
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def clean(text: object, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Plain one-line text: control characters folded to spaces, bidi overrides removed, bounded."""
    s = text if isinstance(text, str) else str(text)
    s = _BIDI.sub("", s)
    s = _CONTROL.sub(" ", s).strip()
    if len(s) > max_chars:
        s = s[: max(0, max_chars - 1)].rstrip() + ELLIPSIS
    return s


def _defang(s: str) -> str:
    """Insert zero-width spaces where GitHub would otherwise find a mention, reference or link."""
    s = s.replace("@", "@" + ZWSP).replace("#", "#" + ZWSP)
    s = _SCHEME.sub(":" + ZWSP, s)
    s = _WWW.sub(r"\1" + ZWSP + r"\2", s)
    s = _GH_REF.sub(r"\1\2" + ZWSP, s)
    return s


def md_text(text: object, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Contributor text as inert inline Markdown, safe in a paragraph, a list item or a table cell."""
    s = _defang(clean(text, max_chars))
    out: list[str] = []
    for ch in s:
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch in _BACKSLASHED:
            out.append("\\" + ch)
        else:
            out.append(ch)
    escaped = "".join(out)
    # `- x`, `+ x`, `1. x` at the start of a list item would open a nested block.
    escaped = _LEADING_MARK.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped, count=1)
    return _LEADING_NUMBER.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped, count=1)


def md_code(text: object, max_chars: int = DEFAULT_MAX_CHARS, *, in_table: bool = False) -> str:
    """Contributor text as an inline code span (for paths and codes): shown verbatim, never parsed.

    GitHub does not look for mentions, references or links inside code, and a code span cannot
    contain HTML. In a table a `|` still splits the cell unless written `\\|`, which GitHub's
    table parser turns back into `|` inside the span.
    """
    s = clean(text, max_chars)
    if not s:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    if in_table:
        s = s.replace("|", "\\|")
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_SERVER = re.compile(r"^https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?/?$")


def is_repo_slug(repo: str) -> bool:
    return bool(_REPO.match(repo)) and ".." not in repo


def is_commit_sha(sha: str) -> bool:
    return bool(_SHA.match(sha))


def blob_url(server: str, repo: str, sha: str, path: str, line: int | None = None) -> str | None:
    """A link to a file (and line) at one commit, or None when any part is not what it should be.

    The path is percent-encoded, so nothing in it can end the Markdown link or add a query.
    """
    if not (is_repo_slug(repo) and is_commit_sha(sha)) or not _SERVER.match(server):
        return None
    if not path or path.startswith("/") or any(p in ("", ".", "..") for p in path.split("/")):
        return None
    url = f"{server.rstrip('/')}/{repo}/blob/{sha}/{quote(path, safe='/')}"
    if line is not None and line > 0:
        url += f"#L{int(line)}"
    return url
