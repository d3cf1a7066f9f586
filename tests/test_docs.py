"""The paralegal docs stay true: the case-file reference is regenerated, every code is documented."""

from __future__ import annotations

import ast
import re

import pytest

from packetgen import errors

from .conftest import REPO, load_script

DOCS = REPO / "docs"


def _generator():
    return load_script("tools/gen_case_reference.py")


def test_case_file_reference_is_up_to_date():
    expected = _generator().render()
    current = (DOCS / "case-file.md").read_text(encoding="utf-8")
    assert current == expected, "docs/case-file.md is out of date: run python tools/gen_case_reference.py"


def test_case_file_reference_names_every_field():
    from packetgen.case.load import json_schema

    text = (DOCS / "case-file.md").read_text(encoding="utf-8")
    schema = json_schema()
    for node in [schema, *schema["$defs"].values()]:
        for field in node.get("properties", {}):
            assert f"| `{field}` |" in text, field
    for name in schema["$defs"]:
        assert f"## {name}" in text, name


def _check_codes() -> set[str]:
    """Every finding code in packetgen/case/checks*.py: the 2nd argument of each .add(...) / Finding(...) call."""
    files = sorted((REPO / "packetgen" / "case").glob("checks*.py"))
    files += [p for p in (REPO / "packetgen" / "packet" / n for n in ("preflight.py", "probe.py")) if p.exists()]
    files.append(REPO / "packetgen" / "forms" / "checks.py")
    codes = set()
    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in files]
    for node in (n for t in trees for n in ast.walk(t)):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        arg = node.args[1]
        if name in {"add", "Finding"} and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            codes.add(arg.value)
    # packet/probe.py names its codes in a table: ("evidence.file_locked", "...").
    probe = REPO / "packetgen" / "packet" / "probe.py"
    if probe.exists():
        codes |= {n.value for n in ast.walk(ast.parse(probe.read_text(encoding="utf-8")))
                  if isinstance(n, ast.Constant) and isinstance(n.value, str)
                  and re.fullmatch(r"evidence\.file_[a-z_]+", n.value)}
    return codes


def test_every_check_code_is_documented():
    codes = _check_codes()
    assert len(codes) > 20                       # the parser still finds them
    doc = (DOCS / "errors.md").read_text(encoding="utf-8")
    missing = sorted(c for c in codes if f"`{c}`" not in doc)
    assert not missing, f"check codes missing from docs/errors.md: {missing}"


def test_no_documented_check_code_is_stale():
    codes = _check_codes()
    doc = (DOCS / "errors.md").read_text(encoding="utf-8")
    section = doc.split("## Check findings", 1)[1]
    documented = set(re.findall(r"^\| `([a-z_]+\.[a-z0-9_]+)` \|", section, re.M))
    stale = sorted(documented - codes)
    assert not stale, f"docs/errors.md lists codes packetgen.case.checks no longer has: {stale}"


def test_every_exit_code_and_error_class_is_documented():
    doc = (DOCS / "errors.md").read_text(encoding="utf-8")
    for code in errors.EXIT_CODES:
        assert re.search(rf"^\| {code} \|", doc, re.M), f"exit code {code}"
    classes = [n for n, v in vars(errors).items() if isinstance(v, type) and issubclass(v, errors.PacketgenError)]
    assert len(classes) >= 10
    for name in classes:
        assert f"`{name}`" in doc, name
        cls = getattr(errors, name)
        if name != "PacketgenError":
            assert re.search(rf"\| {cls.exit_code} \| `{name}` \|", doc) or f"**`{name}`** ({cls.exit_code})" in doc


@pytest.mark.parametrize("name", ["README.md", "walkthrough.md", "case-file.md", "errors.md"])
def test_docs_exist_and_links_resolve(name):
    path = DOCS / name
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        assert (path.parent / target).exists(), f"{name}: broken link {target}"


def test_walkthrough_commands_exist():
    """Every 'packetgen <command>' the walk-through tells a paralegal to run is a real command."""
    from packetgen.cli.main import cli

    text = (DOCS / "walkthrough.md").read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"```sh\n(.*?)```", text, re.S)) + "\n".join(re.findall(r"`(packetgen [^`]+)`", text))
    used = set(re.findall(r"(?:^|\n)\s*packetgen ([a-z]+)", blocks)) | set(re.findall(r"^packetgen ([a-z]+)", blocks, re.M))
    assert {"init", "check", "build", "preview"} <= used
    assert used <= set(cli.commands), used - set(cli.commands)
