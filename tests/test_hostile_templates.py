"""Firm templates under bounds (issue 15, hole 13): recursion, size and time give exit 8 naming the template;
templates are regular files inside the template folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from packetgen.errors import TemplateError
from packetgen.letter import sandbox
from packetgen.letter.sandbox import BoundedEnvironment, ConfinedLoader, render_bounded

from .conftest import SAMPLES


def _render(folder, name="letter.j2", **ctx):
    env = BoundedEnvironment(loader=ConfinedLoader(str(folder)), autoescape=True)
    return render_bounded(env.get_template(name), ctx)


def test_ordinary_template_renders_the_same(tmp_path):
    (tmp_path / "letter.j2").write_text("Dear {{ who }},{% for i in range(3) %} {{ i * 2 }}{% endfor %}")
    assert _render(tmp_path, who="USCIS") == "Dear USCIS, 0 2 4"


@pytest.mark.parametrize("source,what", [
    ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "recursion too deep"),
    ("{% include 'letter.j2' %}", "recursion too deep"),
    ("{{ 'A' * 10**8 }}", "bound is 1,000,000"),
    ("{{ 10 ** 1000000 }}", "bits"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{{ 'x' * 100 }}{% endfor %}{% endfor %}",
     "characters"),
])
def test_runaway_templates_stop_with_a_template_error(tmp_path, source, what):
    (tmp_path / "letter.j2").write_text("Dear USCIS,\n" + source)
    t0 = time.monotonic()
    with pytest.raises(TemplateError) as exc:
        _render(tmp_path)
    assert exc.value.exit_code == 8
    assert "letter.j2" in exc.value.message and what in exc.value.message, exc.value.message
    assert time.monotonic() - t0 < 10


def test_rendering_has_a_time_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_SECONDS", 0.5)
    (tmp_path / "letter.j2").write_text("{% for i in range(100000) %}{% for j in range(100000) %}"
                                        "{% endfor %}{% endfor %}done")
    t0 = time.monotonic()
    with pytest.raises(TemplateError, match=r"letter.j2.*longer than 0.5 seconds"):
        _render(tmp_path)
    assert time.monotonic() - t0 < 5


def test_template_symlinked_out_of_the_folder_is_refused(tmp_path):
    firm = tmp_path / "firm"
    firm.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0")
    (firm / "letter.j2").symlink_to(secret)
    with pytest.raises(TemplateError, match="outside that folder") as exc:
        _render(firm)
    assert "root:x" not in exc.value.render()
    (firm / "letter.j2").unlink()
    (firm / "real.j2").write_text("inside")
    (firm / "letter.j2").symlink_to(firm / "real.j2")          # a link within the folder is fine
    assert _render(firm) == "inside"


def test_template_that_is_a_fifo_is_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "letter.j2")
    with pytest.raises(TemplateError, match="not a regular file"):
        _render(tmp_path)


def test_recursive_firm_template_exits_8_through_the_cli(tmp_path):
    case = tmp_path / "trial-witness"
    shutil.copytree(SAMPLES / "trial-witness", case, ignore=shutil.ignore_patterns("out"))
    firm = tmp_path / "firm"
    firm.mkdir()
    (firm / "letter.j2").write_text("{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}\n")
    proc = subprocess.run([sys.executable, "-m", "packetgen", "build", "-q", str(case / "case.json"),
                           "--templates", str(firm)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 8, proc.stderr
    assert "letter.j2" in proc.stderr and "recursion" in proc.stderr and "Traceback" not in proc.stderr
