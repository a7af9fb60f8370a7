"""``rmperf scheme check FILE``: a scheme file checked without running it — exit 0 and what it is when it
loads; exit 1 and every problem with its line and key path when it does not; no store needed."""

from __future__ import annotations

from pathlib import Path

from rmperf.schemes.templates import template_path
from tests.cli.test_cli import rmperf


def test_a_valid_scheme_and_a_broken_one(tmp_path: Path) -> None:
    text = template_path("rural-2023").read_text(encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(text, encoding="utf-8")
    done = rmperf("scheme", "check", str(good), home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert "方案 rural-2023 第 1 版" in done.stdout
    assert "无误" in done.stdout

    bad = tmp_path / "bad.yaml"
    broken = text.replace("version: 1", "version: 0", 1).replace("method: achievement", "method: achievment", 1)
    bad.write_text(broken, encoding="utf-8")
    done = rmperf("--lang", "en", "scheme", "check", str(bad), home=tmp_path / "home")
    assert done.returncode == 1
    assert "2 problems" in done.stderr
    line = 1 + broken.split("method: achievment", 1)[0].count("\n")
    assert f"line {line}" in done.stderr
    assert "achievment" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_file_that_is_not_there_or_not_text(tmp_path: Path) -> None:
    done = rmperf("scheme", "check", str(tmp_path / "missing.yaml"), home=tmp_path / "home")
    assert done.returncode == 1
    assert "无法读取" in done.stderr
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    done = rmperf("scheme", "check", str(binary), home=tmp_path / "home")
    assert done.returncode == 1
    assert "不是 UTF-8 文本" in done.stderr
    assert "Traceback" not in done.stderr
