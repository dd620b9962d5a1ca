"""The answer cache on disk: time-to-live, survival across runs, damage tolerance, and `pwc cache clear`."""

from __future__ import annotations

from validator.cli import main
from validator.online.cache import FILENAME, AnswerCache
from validator.online.settings import Settings, cache_root


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_answers_survive_a_new_process_and_expire(tmp_path):
    clock = Clock()
    cache = AnswerCache(tmp_path, clock=clock)
    cache.put_many([("arxiv:1909.11942", {"found": True}, 100.0), ("arxiv:2401.99999", {"found": False}, 10.0)])
    cache.close()
    again = AnswerCache(tmp_path, clock=clock)
    assert again.get("arxiv:1909.11942") == {"found": True}
    clock.now += 50
    assert again.get("arxiv:2401.99999") is None  # the shorter life of a negative answer
    assert again.get("arxiv:1909.11942") == {"found": True}
    clock.now += 100
    assert again.get("arxiv:1909.11942") is None


def test_a_damaged_cache_file_is_an_empty_cache(tmp_path):
    (tmp_path / FILENAME).write_bytes(b"this is not a database" * 100)
    cache = AnswerCache(tmp_path)
    assert cache.get("arxiv:1909.11942") is None
    cache.put("arxiv:1909.11942", {"found": True}, 60)  # kept in memory for this run
    assert cache.get("arxiv:1909.11942") == {"found": True}


def test_an_unwritable_cache_folder_is_an_empty_cache(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = AnswerCache(blocker / "pwc")  # cannot be a folder
    cache.put("k", {"v": 1}, 60)
    assert cache.get("k") == {"v": 1}


def test_cache_folder_follows_xdg_cache_home(tmp_path):
    assert cache_root({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "pwc"
    assert cache_root({}).parts[-2:] == (".cache", "pwc")
    assert Settings.from_env({"XDG_CACHE_HOME": str(tmp_path)}).cache_dir == tmp_path / "pwc"


def test_settings_from_the_environment():
    settings = Settings.from_env({"PWC_ARXIV_MIN_INTERVAL": "0.5", "PWC_ONLINE_BUDGET": "nonsense",
                                  "GITHUB_API_URL": "http://127.0.0.1:9/", "GITHUB_TOKEN": "t"})
    assert settings.arxiv_min_interval == 0.5
    assert settings.budget == 60.0  # a bad value falls back to the default
    assert settings.github_url == "http://127.0.0.1:9"
    assert settings.github_token == "t"
    assert Settings.from_env({}).arxiv_min_interval == 3.0


def test_pwc_cache_clear(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache = AnswerCache(tmp_path / "pwc")
    cache.put("arxiv:1909.11942", {"found": True}, 60)
    cache.close()
    assert main(["cache", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "pwc")
    assert main(["cache", "clear"]) == 0
    assert not (tmp_path / "pwc").exists()
    assert AnswerCache(tmp_path / "pwc").get("arxiv:1909.11942") is None
    assert main(["cache", "clear"]) == 0
