"""Family 1, reading: the codes the loader reports when bytes cannot become data safely."""

from __future__ import annotations

from validator.checks.registry import code

FILE_TOO_LARGE = code(
    "file-too-large",
    "error",
    "reading",
    "The file is larger than the size bound.",
    """
    Files under `results/` are read whole; a file over the bound (2 MiB by default, far above
    any real paper file) is not read at all, so that a huge or generated file cannot exhaust
    memory or time. Split the results over several paper files, or remove the generated file.
    """,
    "results/papers/2019/x.yaml   # 50 MB of generated rows",
    "results/papers/2019/x.yaml   # a few KB: one paper and its results",
)

BINARY_FILE = code(
    "binary-file",
    "error",
    "reading",
    "The file contains NUL bytes: it is binary, not YAML text.",
    """
    YAML is text. A NUL byte means the file is binary (an image, an archive, a UTF-16 file
    without a byte-order mark) and is not read.
    """,
    "a PNG saved as results/papers/2019/x.yaml",
    "a UTF-8 text file",
)

NOT_UTF8 = code(
    "not-utf8",
    "error",
    "reading",
    "The file is not valid UTF-8.",
    """
    Every file is UTF-8. Latin-1 or Windows-1252 bytes (an `é` saved by an old editor) and
    UTF-16/UTF-32 files are rejected at the line of the first bad byte. Re-save the file as
    UTF-8.
    """,
    "title: Caf\\xe9   # a Latin-1 byte",
    "title: Café      # the same text saved as UTF-8",
)

BYTE_ORDER_MARK = code(
    "byte-order-mark",
    "warning",
    "reading",
    "The file starts with a UTF-8 byte-order mark.",
    """
    A UTF-8 byte-order mark is harmless to YAML but invisible in editors and noisy in diffs.
    The file is read as if it were not there; save the file without it.
    """,
    "\\ufeffid: question-answering",
    "id: question-answering",
)

YAML_SYNTAX = code(
    "yaml-syntax",
    "error",
    "reading",
    "The file is not valid YAML.",
    """
    The YAML parser stopped at the given line. Common causes: a tab used for indentation (YAML
    allows only spaces), a `:` inside an unquoted value, an unclosed quote or bracket, several
    documents in one file.
    """,
    "results:\n\t- task: question-answering   # tab indentation",
    "results:\n  - task: question-answering",
)

DUPLICATE_KEY = code(
    "duplicate-key",
    "error",
    "reading",
    "A mapping has the same key twice.",
    """
    YAML parsers silently keep the last of two equal keys, so one of the two values would be
    lost without a word. The second occurrence is reported; keep one.
    """,
    "metrics: {EM: 85.1, EM: 88.1}",
    "metrics: {EM: 85.1, F1: 88.1}",
)

TOO_MANY_ALIASES = code(
    "too-many-aliases",
    "error",
    "reading",
    "The file uses anchors and aliases beyond the bound.",
    """
    Aliases let a small file expand into an enormous document (the "billion laughs" attack).
    A few aliases are accepted; more than 100 alias uses, or a document that expands to more
    than a million nodes, is rejected before it is expanded. Write the values out instead.
    """,
    'a: &a ["lol", "lol"]\nb: &b [*a, *a]\nc: &c [*b, *b]   # ...',
    "metrics: {EM: 85.1, F1: 88.1}",
)

FORBIDDEN_TAG = code(
    "forbidden-tag",
    "error",
    "reading",
    "The file uses a YAML tag other than the core ones.",
    """
    Only the YAML core tags (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map`,
    `!!seq`, `!!timestamp`) are accepted. Tags such as `!!python/object/apply` ask a loader to
    run code; nothing is ever executed, the file is rejected.
    """,
    "title: !!python/object/apply:os.system [echo hi]",
    "title: ALBERT",
)

TOO_DEEP = code(
    "too-deep",
    "error",
    "reading",
    "The file nests mappings and sequences beyond the depth bound.",
    """
    No valid file nests more than a handful of levels; the bound (64) protects every tool
    that reads the data from unbounded recursion.
    """,
    "a: [[[[[[[[[[[[[[[[[[ ... ]]]]]]]]]]]]]]]]]]",
    "metrics: {EM: 85.1}",
)

UNREADABLE_FILE = code(
    "unreadable-file",
    "error",
    "reading",
    "The file cannot be opened (a dangling link, no permission).",
    """
    The file is listed under `results/` but the operating system refused to read it: a
    symbolic link whose target is missing, a folder named like a file, or missing permissions.
    """,
    "results/papers/2019/x.yaml -> /nowhere",
    "results/papers/2019/x.yaml   # a regular file",
)
