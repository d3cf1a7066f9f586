"""What the letter keeps between renders (templates, fonts, styles), and that keeping it changes nothing.

``render_letter`` runs twice or more per build (two-pass pagination), so the Jinja environment, the
fonts and the paragraph styles are made once per process.  These tests pin down that the second pass
compiles nothing, that edits and new overrides in a firm's folder are still seen, that an all-Latin
letter never loads the Arabic or CJK fonts, and that the output does not depend on what the process
rendered before.  Fresh-process checks run in a subprocess: this test process has long since loaded
every font.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from packetgen.letter import render as letter_mod
from packetgen.case.load import load_case
from packetgen.letter.render import render_letter

from .conftest import REPO
from .test_letter import CHILD, TODAY, _firm, fake_refs, fake_sections, flat, text_of


def _count_compiles(monkeypatch) -> list[str]:
    from jinja2.sandbox import SandboxedEnvironment

    compiled: list[str] = []
    real = SandboxedEnvironment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(SandboxedEnvironment, "compile", counting)
    return compiled


def test_second_pass_compiles_no_template(tmp_path, monkeypatch):
    case = load_case(CHILD)
    firm = _firm(tmp_path, {"partials/closing.j2": "<p>Thanks.</p>\n<signature>{{ signer }}</signature>\n"})
    compiled = _count_compiles(monkeypatch)
    first = render_letter(case, fake_refs(case, paged=False), fake_sections(case, paged=False),
                          templates_dir=firm, today=TODAY)
    # The firm's template is compiled; built-in ones may come from the on-disk bytecode cache.
    assert "partials/closing.j2" in compiled
    compiled.clear()
    second = render_letter(case, fake_refs(case), fake_sections(case), templates_dir=firm, today=TODAY)
    assert compiled == []
    assert second.page_count == first.page_count
    assert "Exhibit A, pp. 00–00" in flat(text_of(first.pdf))
    assert "Exhibit A, pp. 00–00" not in flat(text_of(second.pdf))


def test_citations_belong_to_each_render(tmp_path):
    """The shared environment's citation helpers follow the render in progress, macros included."""
    case = load_case(CHILD)
    refs = fake_refs(case)
    full = render_letter(case, refs, fake_sections(case), today=TODAY)
    assert full.cited == {r.evidence_id for r in refs}
    moved = [letter_mod.ExhibitRef(r.evidence_id, r.letter, r.title, r.shows, r.first_page + 100,
                                   r.last_page + 100, None) for r in refs]
    again = render_letter(case, moved, fake_sections(case), today=TODAY)
    text = flat(text_of(again.pdf))
    for r in moved:    # the numbers of this render, not the last one's: the range, or a named passage's page
        pages = f"pp. {r.first_page}–{r.last_page}" if r.last_page != r.first_page else f"p. {r.first_page}"
        named = {f"p. {r.first_page + n - 1}" for n in case.evidence_by_id(r.evidence_id).pages.values()}
        assert any(f"Exhibit {r.letter}, {p}" in text for p in {pages} | named), (r.evidence_id, pages)
    firm = _firm(tmp_path, {"letter.j2": "<p>Only {{ exhibit('doctor_letter') }}.</p>\n"})
    only = render_letter(case, refs, [], templates_dir=firm, today=TODAY)
    assert only.cited == {"doctor_letter"}


def test_firm_edits_and_new_overrides_are_seen_between_renders(tmp_path):
    case = load_case(CHILD)
    firm = _firm(tmp_path, {"partials/stay.j2": "<p>Stay text one.</p>\n"})
    a = flat(text_of(render_letter(case, fake_refs(case), [], templates_dir=firm, today=TODAY).pdf))
    assert "Stay text one." in a and "Respectfully submitted," in a
    # an edit to a template already compiled
    stay = firm / "partials" / "stay.j2"
    stay.write_text("<p>Stay text two.</p>\n", encoding="utf-8")
    st = stay.stat()
    os.utime(stay, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))   # a coarse-mtime file system
    # a new override of a built-in partial that was compiled from the built-in folder
    (firm / "partials" / "closing.j2").write_text(
        "<p>With our thanks.</p>\n<signature closing=\"Sincerely,\">{{ signer }}</signature>\n", encoding="utf-8")
    b = flat(text_of(render_letter(case, fake_refs(case), [], templates_dir=firm, today=TODAY).pdf))
    assert "Stay text two." in b and "Stay text one." not in b
    assert "With our thanks." in b and "Sincerely," in b and "Respectfully submitted," not in b
    # and removing the override falls back to the built-in partial again
    (firm / "partials" / "closing.j2").unlink()
    c = flat(text_of(render_letter(case, fake_refs(case), [], templates_dir=firm, today=TODAY).pdf))
    assert "Respectfully submitted," in c and "With our thanks." not in c


def test_styles_are_made_once():
    assert letter_mod._styles() is letter_mod._styles()


_FRESH = textwrap.dedent("""
    import datetime as dt, hashlib, json, sys
    from packetgen.case.model import Case
    from packetgen.case.load import load_case
    from packetgen.letter import render as letter
    from tests.test_letter import CHILD, fake_refs

    def multi(d):
        d["beneficiaries"][0]["name"] = {"family": "Шевченко", "given": "Олександра"}
        d["beneficiaries"][1]["name"] = {"family": "王", "given": "秀英"}
        d["petitioner"]["name"] = {"family": "حداد", "given": "ليلى"}
        d["letter"]["signer"] = None
        d["supporters"][0]["name"] = {"family": "حداد", "given": "ليلى"}
        d["evidence"] = [e for e in d["evidence"] if e["id"] not in ("mateo_passport", "ana_passport")]

    def render(kind):
        if kind == "latin":
            case = load_case(CHILD)
        else:
            data = json.loads(CHILD.read_text(encoding="utf-8"))
            multi(data)
            case = Case.model_validate(data)
        pdf = letter.render_letter(case, fake_refs(case), [], today=dt.date(2026, 12, 2)).pdf
        return hashlib.sha256(pdf).hexdigest()

    out = {}
    for kind in sys.argv[1:]:
        out[kind] = render(kind)
        out[kind + " fonts"] = sorted(letter._LOADED)
    print(json.dumps(out))
""")


def _fresh(*kinds: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-c", _FRESH, *kinds], cwd=REPO, env=env, capture_output=True, text=True,
                       check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_fonts_are_loaded_only_when_the_text_needs_them_and_output_does_not_depend_on_order():
    latin_first = _fresh("latin", "multi")
    multi_first = _fresh("multi", "latin")
    assert latin_first["latin fonts"] == ["latin"]              # no Arabic, no 9.8 MB Noto Sans SC
    assert latin_first["multi fonts"] == ["arabic", "cjk", "latin"]
    assert multi_first["multi fonts"] == ["arabic", "cjk", "latin"]
    assert latin_first["latin"] == multi_first["latin"]
    assert latin_first["multi"] == multi_first["multi"]


def test_a_character_outside_the_script_ranges_still_gets_the_font_that_has_it():
    """U+0870 (Arabic Extended-B) is outside the ranges ``_is_arabic`` knows and not in Noto Serif: the other
    fonts' character maps are consulted (and so loaded) for it, as when every font was registered up front,
    so it does not print as an empty box."""
    out = letter_mod.font_markup("Mark \u0870")
    assert 'name="PG-Arabic"' in out, out
    report = letter_mod._FontReport()
    letter_mod.font_markup("Smile \U0001F600", report)          # no bundled font has it: reported, not hidden
    assert "\U0001F600" in report.missing


def test_text_runs_for_canvas_drawing():
    assert letter_mod.text_runs("Núñez", bold=True) == [("PG-Serif-Bold", "Núñez")]
    runs = letter_mod.text_runs("Name: 王秀英 and ليلى")
    fonts = [f for f, _ in runs]
    assert fonts[:2] == ["PG-Serif", "PG-CJK"] and "PG-Arabic" in fonts
    assert "".join(t for f, t in runs if f == "PG-CJK") == "王秀英"


def test_bytecode_cache_holds_builtin_templates_only(tmp_path, monkeypatch):
    """A firm's template (its letterhead, its wording) is never written to the on-disk cache."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    from packetgen.letter import environment
    monkeypatch.setattr(environment, "_ENVIRONMENTS", {})
    case = load_case(CHILD)
    firm = _firm(tmp_path, {"partials/closing.j2": "<p>Firm secret wording 4711.</p>\n<signature>{{ signer }}</signature>\n"})
    render_letter(case, fake_refs(case), fake_sections(case), templates_dir=firm, today=TODAY)
    cache = tmp_path / "xdg" / "packetgen" / "cache" / "templates"
    files = list(cache.iterdir())
    assert files, "built-in templates are cached"
    assert not any(b"4711" in f.read_bytes() for f in files)
