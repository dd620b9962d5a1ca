"""Synthetic `results/` repositories at any scale, shaped like the Papers with Code archive.

The archive holds ~11,700 leaderboards and ~326,000 metric values in ~100,000 results; this
generator writes the same shape at a chosen number of paper files: tasks, datasets whose
popularity follows a Zipf-like law (a few datasets hold most results), and paper files with
several results each, realistic titles, authors (some non-ASCII), abstracts, arXiv ids, code
links, and metric values written as papers write them (`86.820`, `0.9251`). Every file is valid:
the benchmark measures the happy path; `plant_defects` adds known defects for the tests that
compare the fast and the plain path.

Usage: `python -m benchmarks.generate OUT_DIR --papers 20000 [--seed 0]`
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

AREAS = (
    "Computer Vision",
    "Natural Language Processing",
    "Speech",
    "Audio",
    "Graphs",
    "Methodology",
    "Time Series",
    "Medical",
    "Reasoning",
    "Playing Games",
    "Robots",
    "Knowledge Base",
    "Computer Code",
    "Adversarial",
    "Music",
    "Miscellaneous",
)

_WORDS = (
    "learning representations attention transformer graph neural network deep convolutional "
    "recurrent generative adversarial self-supervised contrastive semantic segmentation object "
    "detection language model pretraining fine-tuning efficient scalable robust sparse dense "
    "retrieval augmented multimodal vision speech recognition translation question answering "
    "reasoning reinforcement policy optimization diffusion latent variational inference bayesian "
    "uncertainty calibration few-shot zero-shot domain adaptation knowledge distillation pruning "
    "quantization benchmark dataset evaluation large small unified simple strong baseline "
    "hierarchical temporal spatial point cloud 3D depth estimation tracking video image text "
    "audio molecular protein code generation summarization entity relation extraction"
).split()

_FIRST = (
    "Zhenzhong Mingda Sebastian Kevin Piyush Radu Jacob Ming-Wei Kenton Kristina Ashish Noam "
    "Niki Jakob Llion Aidan Łukasz Illia Kaiming Xiangyu Shaoqing Jian Alexey Lucas Dirk "
    "Xiaohua Thomas Mostafa Matthias Georg Sylvain Jakob Neil Yann Léon Yoshua Geoffrey Ilya "
    "Oriol Quoc Jürgen Sepp Fei-Fei Andrej Olga Jia Mehdi Chloé Zoë Søren Ana María José"
).split()

_LAST = (
    "Lan Chen Goodman Gimpel Sharma Soricut Devlin Chang Lee Toutanova Vaswani Shazeer Parmar "
    "Uszkoreit Jones Gomez Kaiser Polosukhin He Zhang Ren Sun Dosovitskiy Beyer Kolesnikov "
    "Weissenborn Zhai Unterthiner Dehghani Minderer Heigold Gelly Houlsby LeCun Bottou Bengio "
    "Hinton Sutskever Vinyals Le Schmidhuber Hochreiter Li Karpathy Russakovsky Deng Müller "
    "García Núñez Østergaard Dubois Yamada Kim Park Wang Liu Huang"
).split()

_MODEL_STEMS = (
    "BERT RoBERTa ALBERT XLNet T5 GPT ResNet ViT Swin ConvNeXt EfficientNet DeiT DETR YOLO "
    "Mask-RCNN UNet GCN GAT GraphSAGE wav2vec Conformer Whisper CLIP BLIP DINO MAE SimCLR MoCo "
    "LSTM GRU Transformer-XL Longformer DeBERTa ELECTRA PaLM LLaMA Mistral Mamba S4 NeRF"
).split()

_SUFFIXES = ("", "", "", " (ensemble)", " (single model)", "-Large", "-Base", "-XL", " + TTA", " (ours)")

_VENUES = ("NeurIPS", "ICML", "ICLR", "CVPR", "ICCV", "ECCV", "ACL", "EMNLP", "NAACL", "AAAI", "IJCAI", "Interspeech")


@dataclass(frozen=True)
class MetricSpec:
    name: str
    direction: str
    unit: str
    range: tuple[float, float] | None
    low: float
    high: float
    decimals: int


_METRICS = (
    MetricSpec("Accuracy", "higher", "percent", (0, 100), 40, 99, 2),
    MetricSpec("Top-1 Accuracy", "higher", "percent", (0, 100), 50, 91, 1),
    MetricSpec("Top-5 Accuracy", "higher", "percent", (0, 100), 75, 99, 1),
    MetricSpec("F1", "higher", "percent", (0, 100), 40, 96, 3),
    MetricSpec("EM", "higher", "percent", (0, 100), 30, 92, 3),
    MetricSpec("BLEU", "higher", "none", None, 10, 45, 2),
    MetricSpec("ROUGE-L", "higher", "none", None, 20, 50, 2),
    MetricSpec("mAP", "higher", "percent", (0, 100), 20, 65, 1),
    MetricSpec("box AP", "higher", "percent", (0, 100), 20, 65, 1),
    MetricSpec("mIoU", "higher", "percent", (0, 100), 30, 85, 1),
    MetricSpec("PSNR", "higher", "none", None, 20, 40, 2),
    MetricSpec("SSIM", "higher", "proportion", (0, 1), 0.6, 0.99, 4),
    MetricSpec("AUC", "higher", "proportion", (0, 1), 0.6, 0.99, 4),
    MetricSpec("FID", "lower", "none", None, 1.5, 60, 2),
    MetricSpec("Perplexity", "lower", "none", None, 10, 120, 1),
    MetricSpec("WER", "lower", "percent", (0, 100), 1.5, 30, 2),
    MetricSpec("MAE", "lower", "none", None, 0.05, 5, 3),
    MetricSpec("Params", "lower", "count", None, 1, 900, 0),
)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-")


_PLAIN_OK = re.compile(r"^[A-Za-z][A-Za-z0-9 ()\-+./,]*$")
_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}


def q(text: str) -> str:
    """A YAML scalar for `text`: plain where that reads back as the same string, else quoted."""
    if _PLAIN_OK.match(text) and text.lower() not in _RESERVED and not text.endswith((" ", ".")):
        return text
    return json.dumps(text, ensure_ascii=False)


def _zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return [1.0 / (i + 1) ** s for i in range(n)]


def _fmt(value: float, decimals: int, rng: random.Random) -> str:
    text = f"{value:.{decimals}f}"
    if decimals and rng.random() < 0.1:
        text += "0"  # written with a trailing zero, as tables often are: shown as written
    return text


class Corpus:
    """The tasks, datasets and metrics of one synthetic repository (drawn from a seed)."""

    def __init__(self, papers: int, seed: int) -> None:
        rng = random.Random(seed)
        self.rng = rng
        n_tasks = max(4, papers // 20)
        n_datasets = max(6, papers // 8)
        self.tasks: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        while len(self.tasks) < n_tasks:
            words = rng.sample(_WORDS, rng.randint(1, 3))
            name = " ".join(w.capitalize() for w in words)
            tid = _slug(name)
            if tid in seen:
                tid = f"{tid}-{len(self.tasks)}"
            seen.add(tid)
            self.tasks.append((tid, name, rng.choice(AREAS)))
        self.datasets: list[dict] = []
        seen = set()
        for i in range(n_datasets):
            stem = rng.choice(("ImageNet", "COCO", "SQuAD", "GLUE", "CIFAR", "WMT", "LibriSpeech",
                               "Cityscapes", "ADE20K", "Kinetics", "MNLI", "OGB", "QM9", "ZINC"))
            name = f"{stem}{rng.choice(('', '-2', ' v2', '-100', ' (dev)', '-LT'))} {i}"
            did = _slug(name)
            if did in seen:
                did = f"{did}-{i}"
            seen.add(did)
            tasks = sorted({t[0] for t in rng.sample(self.tasks, rng.choice((1, 1, 1, 2)))})
            metrics = rng.sample(_METRICS, rng.choice((1, 2, 2, 3, 3, 4)))
            self.datasets.append({"id": did, "name": name, "tasks": tasks, "metrics": metrics})
        self.weights = _zipf_weights(n_datasets)
        self.arxiv_ids: set[str] = set()


def write_tasks_and_datasets(root: Path, corpus: Corpus) -> None:
    (root / "results" / "tasks").mkdir(parents=True, exist_ok=True)
    (root / "results" / "datasets").mkdir(parents=True, exist_ok=True)
    rng = corpus.rng
    for tid, name, area in corpus.tasks:
        body = f"id: {tid}\nname: {q(name)}\narea: {area}\n"
        if rng.random() < 0.5:
            body += f"description: {q(name + ' on benchmark data, as defined by the papers that introduced it.')}\n"
        (root / "results" / "tasks" / f"{tid}.yaml").write_text(body, encoding="utf-8")
    for ds in corpus.datasets:
        lines = [f"id: {ds['id']}", f"name: {q(ds['name'])}"]
        if rng.random() < 0.3:
            lines.append(f"homepage: https://example.org/datasets/{ds['id']}")
        lines.append(f"tasks: [{', '.join(ds['tasks'])}]")
        lines.append("metrics:")
        for m in ds["metrics"]:
            lines.append(f"  - name: {q(m.name)}")
            lines.append(f"    direction: {m.direction}")
            lines.append(f"    unit: {m.unit}")
            if m.range is not None:
                lines.append(f"    range: [{m.range[0]}, {m.range[1]}]")
        (root / "results" / "datasets" / f"{ds['id']}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _title(rng: random.Random) -> str:
    words = rng.sample(_WORDS, rng.randint(4, 10))
    title = " ".join(w.capitalize() if i == 0 or rng.random() < 0.5 else w for i, w in enumerate(words))
    r = rng.random()
    if r < 0.35:
        title = f"{rng.choice(_MODEL_STEMS)}: {title}"
    elif r < 0.4:
        title = title.replace(" ", " & ", 1)
    return title


def _abstract(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(3, 7)):
        words = rng.choices(_WORDS, k=rng.randint(10, 22))
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def paper_text(corpus: Corpus, index: int, rng: random.Random) -> tuple[str, str, str]:
    """One paper file: (year, paper id, YAML text)."""
    title = _title(rng)
    pid = f"{_slug(title)[:60].strip('-')}-{index}"
    year = rng.randint(2012, 2024)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    r = rng.random()
    published = f"{year}-{month:02d}-{day:02d}" if r < 0.85 else (f"{year}-{month:02d}" if r < 0.95 else str(year))
    out = ["# yaml-language-server: $schema=../../../schemas/paper.schema.json", "paper:", f"  title: {q(title)}"]
    if rng.random() < 0.8:
        names = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(rng.randint(1, 8))]
        out.append(f"  authors: [{', '.join(q(n) for n in names)}]")
    out.append(f"  published: {published}")
    if rng.random() < 0.5:
        out.append(f"  venue: {rng.choice(_VENUES)} {year + rng.randint(0, 1)}")
    has_arxiv = rng.random() < 0.85
    if has_arxiv:
        while True:  # two files for one arXiv id would be a duplicate paper
            number = f"{rng.randint(1, 19999):05d}" if year >= 2015 else f"{rng.randint(1, 9999):04d}"
            arxiv = f"{year % 100:02d}{month:02d}.{number}"
            if arxiv not in corpus.arxiv_ids:
                corpus.arxiv_ids.add(arxiv)
                break
        out.append(f'  arxiv: "{arxiv}"')
    if not has_arxiv or rng.random() < 0.2:
        out.append(f"  doi: 10.{rng.randint(1000, 99999)}/{_slug(title)[:20]}.{index}")
    if rng.random() < 0.1:
        out.append(f"  url: https://proceedings.example.org/{year}/{pid}.pdf")
    if rng.random() < 0.6:
        out.append("  abstract: >-")
        text = _abstract(rng)
        line = "   "
        for word in text.split():
            if len(line) + len(word) > 92:
                out.append(line)
                line = "   "
            line += " " + word
        out.append(line)
    if rng.random() < 0.4:
        out.append("  code:")
        out.append(f"    - url: https://github.com/{_slug(rng.choice(_LAST))}/{_slug(title)[:30].strip('-')}")
        if rng.random() < 0.5:
            out.append("      official: true")
    out.append("results:")
    n_results = min(15, max(1, int(rng.expovariate(1 / 5.0)) + 1))
    stem = rng.choice(_MODEL_STEMS)
    seen: set[tuple[str, str, str]] = set()
    for ds in rng.choices(corpus.datasets, weights=corpus.weights, k=n_results):
        model = f"{stem}{rng.choice(_SUFFIXES)}"
        task = rng.choice(ds["tasks"])
        if (model, task, ds["id"]) in seen:  # one result per (model, task, dataset) in a file
            model = f"{model} run {len(seen)}"
        seen.add((model, task, ds["id"]))
        out.append(f"  - task: {task}")
        out.append(f"    dataset: {ds['id']}")
        out.append(f"    model: {q(model)}")
        metrics = ds["metrics"][: rng.randint(1, len(ds["metrics"]))]
        values = ", ".join(f"{q(m.name)}: {_fmt(rng.uniform(m.low, m.high), m.decimals, rng)}" for m in metrics)
        out.append(f"    metrics: {{{values}}}")
        if rng.random() < 0.15:
            out.append("    uses_additional_data: true")
        if rng.random() < 0.2:
            out.append(f"    evaluated_on: {year}-{month:02d}-{day:02d}")
        if rng.random() < 0.3:
            out.append(f"    source: Table {rng.randint(1, 9)}")
    return str(year), pid, "\n".join(out) + "\n"


def generate(root: Path, papers: int, seed: int = 0) -> dict[str, int]:
    """Write a repository with `papers` paper files under `root/results`; returns its counts."""
    corpus = Corpus(papers, seed)
    write_tasks_and_datasets(root, corpus)
    rng = random.Random(seed + 1)
    made: set[Path] = set()
    results = 0
    byte_count = 0
    for i in range(papers):
        year, pid, text = paper_text(corpus, i, rng)
        folder = root / "results" / "papers" / year
        if folder not in made:
            folder.mkdir(parents=True, exist_ok=True)
            made.add(folder)
        data = text.encode("utf-8")
        (folder / f"{pid}.yaml").write_bytes(data)
        results += text.count("\n  - task: ")
        byte_count += len(data)
    return {
        "papers": papers,
        "results": results,
        "tasks": len(corpus.tasks),
        "datasets": len(corpus.datasets),
        "bytes": byte_count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--papers", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    counts = generate(args.out, args.papers, args.seed)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()


# --------------------------------------------------------------------------------------------
# Known defects, for the tests that compare the fast and the plain path (same answers).

_TEXT_DEFECTS: tuple[tuple[str, str, str], ...] = (
    # (name, old, new): the first `old` in a paper file becomes `new`
    ("typo-field", "    dataset: ", "    dataste: "),
    ("missing-model", "    model: ", "    modle: "),
    ("arxiv-unquoted", '  arxiv: "', "  arxiv: 1"),
    ("percent-string", "metrics: {", 'metrics: {Accuracy: "89.09%", '),
    ("unknown-task", "  - task: ", "  - task: no-such-task-"),
    ("unknown-dataset", "    dataset: ", "    dataset: no-such-dataset-"),
    ("undeclared-metric", "metrics: {", "metrics: {Exact Match (dev): 1.5, "),
    ("out-of-range", "metrics: {", "metrics: {Accuracy: 150.5, "),
    ("duplicate-key", "    model: ", "    model: First\n    model: "),
    ("tab-indent", "\n    model: ", "\n\tmodel: "),
    ("impossible-date", "  published: ", "  published: 2019-02-30\n  venue_: "),
    ("anchor-alias", "    metrics: {", "    notes: &n x\n    source: *n\n    metrics: {"),
    ("forbidden-tag", "  title: ", "  title: !!python/str "),
    ("yes-bool", "    model: ", "    uses_additional_data: yes\n    model: "),
    ("two-documents", "results:", "---\nresults:"),
    ("quoted-date", "  published: 20", '  published: "20'),
    ("tilde-null", "  title: ", "  venue: ~\n  title: "),
    ("inf-value", "metrics: {", "metrics: {FID: .inf, "),
    ("exp-value", "metrics: {", "metrics: {FID: 1e3, "),
    ("comment-in-flow", "metrics: {", "metrics: {#x\n "),
    ("colon-in-flow", "metrics: {", "metrics: {Acc: :5, "),
    ("bad-block-header", "  abstract: >-", "  abstract: >-1:2"),
    ("line-separator", "  title: ", "  title: A\u2028B "),
    ("at-sign", "    model: ", "    model: @"),
    ("bracket-start", "    model: ", "    model: ]"),
    ("merge-key", "  - task: ", "  - <<: x\n    task: "),
    ("uncertain-value", "metrics: {", "metrics: {Top-1 Accuracy: {value: 0.8428, error: 0.0014}, "),
    ("trailing-zero", "metrics: {", "metrics: {mAP: 86.820, "),
    ("hex-value", "metrics: {", "metrics: {FID: 0x1F, "),
    ("null-metric", "metrics: {", "metrics: {FID: null, "),
    ("empty-value", "    model: ", "    source:\n    model: "),
    ("crlf", "\n", "\r\n"),
    ("year-value", "  published: 20", "  published: 20"),
    ("document-end", "results:", "...\nresults:"),
    ("directive", "# yaml", "%YAML 1.1\n---\n# yaml"),
    ("multiline-plain", "  title: ", "  title: First line\n    continued "),
    ("nested-deep", "results:", "notes: " + "[" * 70 + "]" * 70 + "\nresults:"),
)

_BYTE_DEFECTS: tuple[tuple[str, bytes, bytes], ...] = (
    ("bom", b"", b"\xef\xbb\xbf"),
    ("latin-1", b"  title: ", b"  title: caf\xe9 "),
    ("nul-byte", b"  title: ", b"  title: \x00"),
)


def plant_defects(root: Path, seed: int = 0) -> list[str]:
    """Plant each known defect in its own paper file (and a few in the other kinds); returns
    the names of the defects planted."""
    rng = random.Random(seed)
    papers = sorted((root / "results" / "papers").rglob("*.yaml"))
    rng.shuffle(papers)
    planted: list[str] = []
    i = 0
    for name, old, new in _TEXT_DEFECTS:
        for _ in range(len(papers)):
            path = papers[i % len(papers)]
            i += 1
            text = path.read_text(encoding="utf-8")
            if old in text:
                path.write_bytes(text.replace(old, new, 1).encode("utf-8"))
                planted.append(name)
                break
    for name, old, new in _BYTE_DEFECTS:
        path = papers[i % len(papers)]
        i += 1
        data = path.read_bytes()
        path.write_bytes(new + data if not old else data.replace(old, new, 1))
        planted.append(name)
    # A paper filed under the wrong year, one written twice, an empty file, a broken dataset.
    wrong = papers[i % len(papers)]
    i += 1
    target = wrong.parent.parent / "1999"
    target.mkdir(exist_ok=True)
    wrong.rename(target / wrong.name)
    planted.append("wrong-year-folder")
    twin = papers[i % len(papers)]
    i += 1
    if twin.exists():
        (twin.parent / f"copy-of-{twin.name}").write_bytes(twin.read_bytes())
        planted.append("duplicate-paper")
    (root / "results" / "papers" / "2020" ).mkdir(exist_ok=True)
    (root / "results" / "papers" / "2020" / "empty-file.yaml").write_bytes(b"")
    planted.append("empty-file")
    datasets = sorted((root / "results" / "datasets").glob("*.yaml"))
    ds = datasets[rng.randrange(len(datasets))]
    ds.write_text(ds.read_text(encoding="utf-8").replace("id: ", "id: other-", 1), encoding="utf-8")
    planted.append("id-mismatch")
    ds = datasets[rng.randrange(len(datasets))]
    ds.write_text(ds.read_text(encoding="utf-8").replace("tasks: [", "tasks: [missing-task, ", 1), encoding="utf-8")
    planted.append("dataset-unknown-task")
    (root / "results" / "papers" / "stray.yml").write_text("a: 1\n", encoding="utf-8")
    planted.append("unexpected-file")
    return planted
