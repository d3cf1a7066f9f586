"""The README's commands stay runnable as typed (issue 17 §1)."""

from __future__ import annotations

import re

from .conftest import REPO


def _sh_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def test_readme_test_command_is_the_ci_command_and_shows_progress():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_cmd = _sh_blocks(readme)[1].strip()
    assert test_cmd == ci.strip().splitlines()[-1].strip()
    assert test_cmd.endswith("-m pytest")                # pytest's normal output, not -q dots


def test_readme_first_command_uses_the_venv_and_a_real_sample():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first = _sh_blocks(readme)[0].strip()
    assert first.startswith("python3 -m venv .venv && .venv/bin/pip install .")
    sample = re.search(r"\.venv/bin/packetgen build (\S+)", first).group(1)
    assert (REPO / sample).is_file()
    # every later example calls plain 'packetgen', so the activation line comes before them
    activation = readme.index(". .venv/bin/activate")
    later = [m.start() for m in re.finditer(r"^packetgen ", readme, re.M)]
    assert later and activation < min(later)
