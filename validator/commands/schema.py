"""`pwc schema`: write the JSON Schemas generated from the pydantic models into schemas/."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import BaseModel

from validator.atomic import write_if_changed


def schema_documents() -> dict[str, dict]:
    """File name -> JSON Schema, for every input kind and every published output."""
    from validator.model.inputs import KINDS

    models: dict[str, type[BaseModel]] = dict(KINDS)
    try:
        from validator.model.outputs import OUTPUTS
    except ModuleNotFoundError:
        OUTPUTS = {}
    models.update(OUTPUTS)
    docs: dict[str, dict] = {}
    for name, model in sorted(models.items()):
        schema = model.model_json_schema(mode="validation")
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://paperswithcode2.github.io/schemas/{name}.schema.json",
            **schema,
        }
        docs[f"{name}.schema.json"] = schema
    return docs


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="schemas", help="folder to write (default: schemas)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is stale, write nothing")


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except OSError as exc:
        print(f"pwc schema: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    stale = []
    for name, schema in schema_documents().items():
        if write_if_changed(out / name, render(schema), args.check):
            stale.append(name)
    if args.check and stale:
        print(f"stale schemas (run `pwc schema`): {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0
