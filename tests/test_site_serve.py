"""`pwc serve`: previews a built site on 127.0.0.1 (a real server, asked over HTTP)."""

from __future__ import annotations

import argparse
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from validator.cli import main as pwc
from validator.commands.serve import HOST, make_server, site_dir


def test_serves_the_site_on_localhost(tmp_path: Path) -> None:
    site = tmp_path / "build"
    (site / "papers" / "x").mkdir(parents=True)
    (site / "index.html").write_text("<h1>home</h1>", encoding="utf-8")
    (site / "papers" / "x" / "index.html").write_text("<h1>paper</h1>", encoding="utf-8")
    (site / "papers" / "y.html").write_text("<h1>page</h1>", encoding="utf-8")
    server = make_server(site, 0)
    assert server.server_address[0] == HOST == "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with urllib.request.urlopen(base, timeout=10) as response:
            assert response.read() == b"<h1>home</h1>"
        with urllib.request.urlopen(base + "papers/x/", timeout=10) as response:
            assert response.read() == b"<h1>paper</h1>"
        for path in ("papers/y.html", "papers/y"):  # a page file, also without `.html` (as GitHub Pages)
            with urllib.request.urlopen(base + path, timeout=10) as response:
                assert response.read() == b"<h1>page</h1>"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "nothing/", timeout=10)
        assert missing.value.code == 404
    finally:
        server.shutdown()
        server.server_close()


def test_without_a_built_site_it_says_so_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert pwc(["serve", "--dir", str(tmp_path / "nothing"), "--port", "0"]) == 2
    assert "no site in" in capsys.readouterr().err


def test_a_bad_port_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "index.html").write_text("x", encoding="utf-8")
    assert pwc(["serve", "--dir", str(tmp_path), "--port", "70000"]) == 2
    assert "not a port" in capsys.readouterr().err


def test_a_port_in_use_is_reported_not_raised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "index.html").write_text("x", encoding="utf-8")
    busy = make_server(tmp_path, 0)
    try:
        from validator.commands import serve

        args = argparse.Namespace(dir=str(tmp_path), port=busy.server_address[1])
        assert serve.run(args) == 2
        assert "cannot listen" in capsys.readouterr().err
    finally:
        busy.server_close()


def test_a_running_preview_follows_the_build_link_when_a_rebuild_swaps_it(tmp_path: Path) -> None:
    for name in ("old", "new"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(name, encoding="utf-8")
    link = tmp_path / "build"
    link.symlink_to("old")
    server = make_server(site_dir(str(link)), 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read() == b"old"
        (tmp_path / "swap").symlink_to("new")
        (tmp_path / "swap").replace(link)  # what `pwc build` does
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read() == b"new"
    finally:
        server.shutdown()
        server.server_close()
