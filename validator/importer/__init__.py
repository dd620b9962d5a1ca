"""The Papers with Code archive importer: archive JSON (sota-extractor format) to results/ files.

`values` parses metric cells, `ids` derives identifiers, slugs and dates, `metrics` declares
columns, `papers` indexes papers-with-abstracts, `convert` plans the files and the report,
`write` writes the plan into a repository, `report` renders the import report.
"""
