"""packetgen.evidence.normalize: every corpus file, page geometry, images, sanitizing, passwords, speed.

The corpus (../shared/evidence-corpus, 64 awkward real-world files) drives most
tests; tests that need it skip with a stated reason when it is absent.  The
synthetic tests at the end run everywhere.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageOps

from packetgen.errors import EvidenceDamagedError, EvidenceError, EvidenceLockedError, PacketgenError
from packetgen.evidence.normalize import NormalizedDoc, normalize
from packetgen.layout import CONTENT_BOX

from .test_evidence_support import (CORPUS, corpus_rows, crop_pt, embedded_jpeg, forbidden_keys, jpeg_file,
                                    mean_abs_diff, needs_corpus, page_size_dpi, placed_dpi, placement, render, saved,
                                    spy_jpeg_decodes)

# Where packetgen's policy is deliberately different from MANIFEST.tsv's recommendation.
# path -> (our expected behaviour, why)
POLICY = {
    "pdf/damaged-no-startxref.pdf": (
        "merge-with-warning",
        "qpdf rebuilds the missing xref by scanning and the page renders correctly (pypdf cannot, hence "
        "MANIFEST's reject); we repair and warn"),
    "pdf/jpeg-with-pdf-extension.pdf": (
        "merge-with-warning",
        "detected by content as a JPEG and added as an image with a warning (README allows this)"),
    "images/iphone-photo.heic": (
        "merge",
        "pillow-heif is a dependency, so HEIC photos decode (MANIFEST: reject unless a decoder is installed)"),
    "pdf/encrypted-aes256-user-password-but-empty-owner.pdf": (
        "reject-clearly",
        "the author set an open password; opening through the empty OWNER password would bypass it, so we "
        "ask for the password (EvidenceLockedError) instead of merging with a warning"),
    "pdf/pdf20-utf8-outline-and-labels.pdf": (
        "merge-with-warning",
        "its startxref is wrong and qpdf had to reconstruct the xref table: the user is told to check it"),
    "pdf/form-libreoffice-mixed-fields.pdf": (
        "merge-with-warning",
        "form fields are flattened and qpdf regenerates their appearances (NeedAppearances): the user is "
        "told to check the values read correctly"),
    "pdf/tiny-page-4pt-ccitt-fax-image.pdf": (
        "merge-with-warning",
        "a 4 x 4 pt page is placed at real size (PDFs are never enlarged) and is barely visible: warned"),
    "pdf/mixed-sizes-a4-legal-landscape-tiny-huge.pdf": (
        "merge-with-warning",
        "its 3 x 3 pt page is barely visible and its A0 / 200-inch pages are shrunk below 50 %: warned"),
}

PASSWORDS = {  # from the corpus README
    "pdf/encrypted-user-password-rc4-128.pdf": "openpassword",
    "pdf/encrypted-user-password-aes256.pdf": "foo",
    "pdf/encrypted-aes256-user-password-but-empty-owner.pdf": "asdfzxcv",
}
FRAMES = {"images/multipage-3-frames.tiff": 3}
# MANIFEST's pages column is what pypdf saw; where pypdf could not read the file:
REPAIRED_PAGES = {"pdf/damaged-no-startxref.pdf": 1}   # "Hello, world!" / "Goodbye, world!" on one page


def expected(row: dict) -> str:
    return POLICY.get(row["path"], (row["expected"], ""))[0]


def expected_pages(row: dict) -> int:
    if row["path"].startswith("images/") or row["path"] == "pdf/jpeg-with-pdf-extension.pdf":
        return FRAMES.get(row["path"], 1)
    return REPAIRED_PAGES.get(row["path"]) or int(row["pages"])


def expected_error(row: dict) -> type:
    return EvidenceLockedError if row["category"] == "encryption" else EvidenceDamagedError


_cache: dict[str, NormalizedDoc] = {}


def norm(rel: str, **kw) -> NormalizedDoc:
    """normalize() a corpus file; results without keywords are cached (tests must not modify them)."""
    if kw:
        return normalize(CORPUS / rel, **kw)
    if rel not in _cache:
        _cache[rel] = normalize(CORPUS / rel)
    return _cache[rel]


def assert_clean_letter_pages(doc: NormalizedDoc) -> None:
    bx0, by0, bx1, by1 = CONTENT_BOX
    for i, page in enumerate(doc.pdf.pages):
        obj = page.obj
        assert [float(v) for v in obj.MediaBox] == [0, 0, 612, 792], f"page {i + 1}"
        for key in ("/CropBox", "/Rotate", "/UserUnit", "/TrimBox", "/ArtBox", "/BleedBox"):
            assert key not in obj, f"page {i + 1} keeps {key}"
        _, _, (x0, y0, x1, y1) = placement(page)
        eps = 0.01
        assert bx0 - eps <= x0 and x1 <= bx1 + eps and by0 - eps <= y0 and y1 <= by1 + eps, \
            f"page {i + 1}: content {x0, y0, x1, y1} outside the content box"
        # centred in the content box
        assert abs((x0 + x1) / 2 - (bx0 + bx1) / 2) < 0.01 and abs((y0 + y1) / 2 - (by0 + by1) / 2) < 0.01


# --------------------------------------------------------------------------- every MANIFEST row

@needs_corpus
@pytest.mark.parametrize("row", corpus_rows(), ids=lambda r: r["path"])
def test_corpus_file_behaves_as_expected(row):
    rel = row["path"]
    name = Path(rel).name
    want = expected(row)
    if want == "reject-clearly":
        with pytest.raises(PacketgenError) as info:
            normalize(CORPUS / rel)
        assert type(info.value) is expected_error(row), info.value.render()
        assert name in info.value.message
        assert info.value.fix, "every error says how to fix it"
        return
    doc = norm(rel)
    assert doc.page_count == expected_pages(row)
    assert doc.kind == ("pdf" if rel.startswith("pdf/") and rel != "pdf/jpeg-with-pdf-extension.pdf" else "image")
    assert doc.source == CORPUS / rel and len(doc.sha256) == 64
    assert_clean_letter_pages(doc)
    assert all(w.startswith(f"{name}: ") for w in doc.warnings), doc.warnings
    if want == "merge-with-warning":
        assert doc.warnings, "expected at least one warning"
    else:   # external links are removed by default (issue 15.14): the one warning a 'merge' file may give
        assert [w for w in doc.warnings if "external link" not in w and "could not be decoded" not in w] == [], \
            "a 'merge' file must not produce warnings"


@needs_corpus
@pytest.mark.parametrize("row", [r for r in corpus_rows() if expected(r) != "reject-clearly"],
                         ids=lambda r: r["path"])
def test_corpus_output_is_sanitized_and_saves(row):
    doc = norm(row["path"])
    data = saved(doc.pdf)
    reopened = pikepdf.open(io.BytesIO(data))
    assert forbidden_keys(reopened) == set()
    for page in reopened.pages:
        for annot in page.obj.get("/Annots", []):
            assert annot.Subtype == pikepdf.Name.Link
            action = annot.get("/A")
            if action is not None:
                assert action.S == pikepdf.Name.URI
                assert str(action.URI).lower().startswith(("http:", "https:", "mailto:"))


def test_policy_table_names_real_rows():
    rows = {r["path"] for r in corpus_rows()}
    if rows:
        assert set(POLICY) <= rows and set(PASSWORDS) <= rows


# --------------------------------------------------------------------------- specific messages

@needs_corpus
def test_html_named_pdf_is_rejected_as_html():
    with pytest.raises(EvidenceDamagedError) as info:
        normalize(CORPUS / "pdf/not-a-pdf-html-login-page.pdf")
    assert "not a PDF or image (looks like an HTML page)" in info.value.message
    assert "not-a-pdf-html-login-page.pdf" in info.value.message


@needs_corpus
def test_password_required_message_names_the_case_file_key():
    with pytest.raises(EvidenceLockedError) as info:
        normalize(CORPUS / "pdf/encrypted-user-password-aes256.pdf", display_name="bank.pdf (exhibit C)")
    assert "bank.pdf (exhibit C)" in info.value.message
    assert '"password": "..."' in info.value.fix
    assert info.value.exit_code == 5


@needs_corpus
def test_empty_owner_password_trap_is_detected():
    rel = "pdf/encrypted-aes256-user-password-but-empty-owner.pdf"
    # pikepdf does open it with the empty password, but only as the OWNER password
    with pikepdf.open(CORPUS / rel) as pdf:
        assert pdf.is_encrypted and pdf.owner_password_matched and not pdf.user_password_matched
    with pytest.raises(EvidenceLockedError) as info:
        normalize(CORPUS / rel)
    assert "open password" in info.value.message and '"password"' in info.value.fix


@needs_corpus
@pytest.mark.parametrize("rel", sorted(PASSWORDS))
def test_given_password_opens_encrypted_file(rel):
    doc = norm(rel, password=PASSWORDS[rel])
    assert doc.page_count == 1
    assert_clean_letter_pages(doc)
    assert any("encrypted" in w and "password from the case file" in w for w in doc.warnings)
    assert not pikepdf.open(io.BytesIO(saved(doc.pdf))).is_encrypted


@needs_corpus
def test_owner_password_also_opens():
    doc = norm("pdf/encrypted-user-password-aes256.pdf", password="bar")
    assert doc.page_count == 1


@needs_corpus
@pytest.mark.parametrize("rel", sorted(PASSWORDS))
def test_wrong_password_is_a_locked_error(rel):
    with pytest.raises(EvidenceLockedError) as info:
        normalize(CORPUS / rel, password="wrong-password")
    assert Path(rel).name in info.value.message and "does not open it" in info.value.message


@needs_corpus
def test_needless_wrong_password_still_opens():
    doc = norm("pdf/encrypted-owner-password-only-rc4-40bit.pdf", password="not-it")
    assert doc.page_count == 1
    assert any("password given for it is wrong, but none is needed" in w for w in doc.warnings)


@needs_corpus
def test_empty_user_password_file_warns_about_lost_restrictions():
    doc = norm("pdf/encrypted-owner-password-only-aes256.pdf")
    assert any("no longer restricts printing" in w for w in doc.warnings), doc.warnings


@needs_corpus
@pytest.mark.parametrize("rel,needle", [
    ("pdf/javascript-openaction-print.pdf", "open action (JavaScript)"),
    ("pdf/javascript-document-and-page-actions.pdf", "document-level JavaScript"),
    ("pdf/launch-action-link.pdf", "launches a program"),
    ("pdf/attachments-embedded-txt-and-pdf.pdf", "attached files (1.txt, attached.pdf)"),
    ("pdf/attachment-file-annotation.pdf", "attached files (test.txt)"),
    ("pdf/xfa-form.pdf", "dynamic XFA form"),
    ("pdf/signed-two-signature-fields.pdf", "2 digital signature(s)"),
    ("pdf/form-field-foo-value-bar.pdf", "form field(s)"),
    ("pdf/damaged-xref-wrong-entries.pdf", "repaired"),
    ("pdf/damaged-xref-loop-incremental-30-pages.pdf", "repaired"),
    ("pdf/outline-invalid-destinations.pdf", "2 to missing destinations"),
    ("pdf/pdf20-offset-start-junk-before-header.pdf", "before the PDF header"),
    ("images/animated-42-frames.gif", "animated GIF (42 frames)"),
    ("pdf/jpeg-with-pdf-extension.pdf", "is a JPEG image, not a PDF"),
])
def test_warning_says_what_happened(rel, needle):
    doc = norm(rel)
    assert any(needle in w for w in doc.warnings), doc.warnings


@needs_corpus
@pytest.mark.parametrize("rel,error,needle", [
    ("pdf/truncated-download-60-percent.pdf", EvidenceDamagedError, "cut off"),
    ("pdf/damaged-cyclic-page-tree.pdf", EvidenceDamagedError, "page tree loops"),
    ("pdf/zero-pages.pdf", EvidenceDamagedError, "has no pages"),
    ("pdf/not-a-pdf-text-oops.pdf", EvidenceDamagedError, "looks like a text file)"),   # never quoted
    ("images/truncated-progressive.jpg", EvidenceDamagedError, "cannot be decoded"),
    ("images/decompression-bomb-dimensions.gif", EvidenceDamagedError, "too large"),
])
def test_rejection_says_why(rel, error, needle):
    with pytest.raises(error) as info:
        normalize(CORPUS / rel)
    assert needle in info.value.message, info.value.message


# --------------------------------------------------------------------------- geometry

@needs_corpus
@pytest.mark.parametrize("rel,pages", [
    ("pdf/rotated-pages-0-90-180-270.pdf", range(4)),
    ("pdf/rotated-inherited-from-page-tree.pdf", range(1)),
    ("pdf/rotated-90-180-270-360-arabic.pdf", range(4)),
    ("pdf/boxes-offset-mediabox-cropbox-rotated.pdf", range(8)),
    ("pdf/mixed-sizes-letter-odd-landscape.pdf", range(3)),
    ("pdf/mixed-sizes-a4-legal-landscape-tiny-huge.pdf", range(8)),
    ("pdf/scanned-pages-with-ocr-layer.pdf", range(2)),
    ("pdf/pdf20-utf8-outline-and-labels.pdf", range(1)),   # two layers are OFF by default
])
def test_pages_look_like_the_source_in_a_viewer(rel, pages):
    """Render source (pdfium applies /Rotate, CropBox, inheritance) and output; compare the placed area."""
    import pypdfium2 as pdfium

    doc = norm(rel)
    out = saved(doc.pdf)
    src = pdfium.PdfDocument(str(CORPUS / rel))
    if any("could not be decoded" in w for w in doc.warnings):
        # a damaged image (viewers disagree: pdfium paints it black) is a grey box: compare with that
        from packetgen.evidence.bounds import check_pages

        with pikepdf.open(CORPUS / rel) as fixed:
            assert check_pages(fixed.pages, repair=True).damaged
            src = pdfium.PdfDocument(saved(fixed))
    dpi = 40
    for i in pages:
        _, _, box = placement(doc.pdf.pages[i])
        got = crop_pt(render(out, i, dpi), box, dpi)
        sw, sh = src[i].get_size()          # visible size after rotation, as a viewer shows it
        assert abs((box[2] - box[0]) / (box[3] - box[1]) - sw / sh) < 0.01, f"page {i + 1}: aspect ratio changed"
        scale = (box[2] - box[0]) / sw
        assert scale <= 1.0 + 1e-6, "PDF pages are never enlarged"
        want = src[i].render(scale=dpi / 72 * scale).to_pil().convert("RGB").resize(got.size)
        right = mean_abs_diff(got, want)
        flipped = mean_abs_diff(got, want.rotate(180))
        assert right < 6, f"page {i + 1}: differs from the source rendering ({right:.1f})"
        assert right <= flipped, f"page {i + 1}: looks more like the source upside down"


@needs_corpus
def test_sizes_are_fitted_not_cropped():
    doc = norm("pdf/mixed-sizes-a4-legal-landscape-tiny-huge.pdf")
    boxes = [placement(p)[2] for p in doc.pdf.pages]
    widths = [round(b[2] - b[0], 1) for b in boxes]
    heights = [round(b[3] - b[1], 1) for b in boxes]
    assert heights[1] == 762.0 and widths[1] == round(612 * 762 / 792, 1)       # Letter: fits the band
    assert widths[3] == 612.0 and heights[3] < 612                             # A4 landscape stays landscape
    assert heights[8] == widths[8] == 612.0                                    # 14400 pt square
    assert widths[9] == heights[9] == 3.0                                      # 3 pt: never enlarged
    assert (widths[5], heights[5]) == (round(226.7717, 1), round(566.9291, 1))  # receipt: real size


def test_user_unit_and_odd_rotate_values(tmp_path):
    pdf = pikepdf.new()
    for rotate in (0, -90, 450):
        pdf.add_blank_page(page_size=(100, 50))
        page = pdf.pages[-1]
        page.obj.UserUnit = 4                    # 400 x 200 pt
        page.obj.Rotate = rotate
        page.obj.Contents = pdf.make_stream(b"0 0 1 rg 0 0 50 50 re f")
    pdf.save(tmp_path / "uu.pdf")
    doc = normalize(tmp_path / "uu.pdf")
    assert_clean_letter_pages(doc)
    sizes = []
    for page in doc.pdf.pages:
        _, _, (x0, y0, x1, y1) = placement(page)
        sizes.append((round(x1 - x0, 3), round(y1 - y0, 3)))
    assert sizes == [(400, 200), (200, 400), (200, 400)]
    # -90 is 270: the blue square (left half of the unrotated page) ends up at the bottom
    img = render(saved(doc.pdf), 1, 36)
    _, _, (x0, y0, x1, y1) = placement(doc.pdf.pages[1])
    mid = (x0 + x1) / 2 * 0.5
    bottom = img.getpixel((round(mid), round((792 - (y0 + 50)) * 0.5)))
    top = img.getpixel((round(mid), round((792 - (y1 - 50)) * 0.5)))
    assert bottom[2] > 200 and bottom[0] < 60 and top == (255, 255, 255)


def test_shared_and_split_content_streams(tmp_path):
    pdf = pikepdf.new()
    shared = pdf.make_stream(b"0 0 1 rg 10 10 80 80 re f")
    for size in ((100, 100), (200, 200)):
        pdf.add_blank_page(page_size=size)
        pdf.pages[-1].obj.Contents = shared
    pdf.add_blank_page(page_size=(100, 100))
    pdf.pages[-1].obj.Contents = pikepdf.Array([pdf.make_stream(b"0 1 0 rg 10 10"), pdf.make_stream(b"80 80 re f")])
    pdf.save(tmp_path / "s.pdf")
    doc = normalize(tmp_path / "s.pdf")
    forms = [placement(p)[1] for p in doc.pdf.pages]
    assert [list(map(float, f.BBox)) for f in forms] == [[0, 0, 100, 100], [0, 0, 200, 200], [0, 0, 100, 100]]
    assert forms[2].read_bytes().replace(b"\n", b" ") == b"0 1 0 rg 10 10 80 80 re f"
    img = render(saved(doc.pdf), 2, 36)
    assert img.getpixel((153, 396 - 15))[1] > 200      # green square drawn from the joined streams


def test_hidden_layers_stay_hidden(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(400, 100))
    N, D = pikepdf.Name, pikepdf.Dictionary
    a = pdf.make_indirect(D(Type=N.OCG, Name=pikepdf.String("draft stamp")))
    b = pdf.make_indirect(D(Type=N.OCG, Name=pikepdf.String("text")))
    pdf.Root.OCProperties = D(OCGs=[a, b], D=D(BaseState=N.OFF, ON=[b]))
    hidden_form = pdf.make_stream(b"0 1 0 rg 0 0 10 10 re f", Type=N.XObject, Subtype=N.Form,
                                  BBox=[0, 0, 10, 10], OC=a)
    page = pdf.pages[0].obj
    page.Resources = D(XObject=D(G=hidden_form), Properties=D(
        A=a, B=b, AnyOn=D(Type=N.OCMD, OCGs=[a, b]), NotB=D(Type=N.OCMD, VE=[N.Not, b])))
    page.Contents = pdf.make_stream(
        b"/OC /A BDC 1 0 0 rg 0 0 100 100 re f EMC "
        b"/OC /B BDC 0 0 1 rg 100 0 100 100 re f EMC "
        b"/OC /AnyOn BDC 0 0 0 rg 200 0 100 100 re f EMC "
        b"/OC /NotB BDC /Span <<>> BDC 1 0 0 rg 300 0 100 100 re f EMC EMC "
        b"q 10 0 0 10 300 0 cm /G Do Q")
    pdf.save(tmp_path / "layers.pdf")
    doc = normalize(tmp_path / "layers.pdf")
    _, _, (x0, y0, x1, y1) = placement(doc.pdf.pages[0])
    img = render(saved(doc.pdf), 0, 72)
    y = round(792 - (y0 + y1) / 2)
    colours = [img.getpixel((round(x0 + (x1 - x0) * (i + 0.5) / 4), y)) for i in range(4)]
    assert colours == [(255, 255, 255), (0, 0, 255), (0, 0, 0), (255, 255, 255)]


# --------------------------------------------------------------------------- links

@needs_corpus
@pytest.mark.parametrize("rel", ["pdf/large-117-pages-509-links.pdf", "pdf/outline-links-named-dests.pdf"])
def test_links_keep_covering_the_same_text_and_targets(rel):
    import pypdfium2 as pdfium

    doc = norm(rel, keep_links=True)
    out_bytes = saved(doc.pdf)
    out = pikepdf.open(io.BytesIO(out_bytes))
    src = pikepdf.open(CORPUS / rel)
    sdoc, odoc = pdfium.PdfDocument(str(CORPUS / rel)), pdfium.PdfDocument(out_bytes)
    src_index = {p.obj.objgen: i for i, p in enumerate(src.pages)}
    out_index = {p.obj.objgen: i for i, p in enumerate(out.pages)}
    names = pikepdf.NameTree(src.Root.Names.Dests) if "/Names" in src.Root and "/Dests" in src.Root.Names else {}
    checked = 0
    for i, (sp, op) in enumerate(zip(src.pages, out.pages)):
        src_links = [a for a in sp.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        out_links = list(op.obj.get("/Annots", []))
        assert len(src_links) == len(out_links), f"page {i + 1}"
        if not src_links:
            continue
        stp, otp = sdoc[i].get_textpage(), odoc[i].get_textpage()
        for a, n in zip(src_links, out_links):
            t_src = " ".join(stp.get_text_bounded(*[float(v) for v in a.Rect]).split())
            t_out = " ".join(otp.get_text_bounded(*[float(v) for v in n.Rect]).split())
            assert t_src == t_out, f"page {i + 1}: link over {t_src!r} now covers {t_out!r}"
            if "/A" in a and a.A.S == "/URI":
                assert str(n.A.URI) == str(a.A.URI)
            else:
                d = a.A.D if "/A" in a else a.Dest
                if isinstance(d, (pikepdf.String, str)):
                    d = names[str(d)]
                    d = d.D if isinstance(d, pikepdf.Dictionary) else d
                assert out_index[n.Dest[0].objgen] == src_index[d[0].objgen]
            checked += 1
    assert checked == sum(len([a for a in p.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"])
                          for p in src.pages)


@needs_corpus
def test_outline_is_not_carried_over():
    doc = norm("pdf/page-labels-and-outlines-30-pages.pdf")
    assert "/Outlines" not in doc.pdf.Root and "/PageLabels" not in doc.pdf.Root


# --------------------------------------------------------------------------- forms

@needs_corpus
@pytest.mark.parametrize("rel,value", [
    ("pdf/form-field-foo-value-bar.pdf", "bar"),
    ("pdf/form-field-foo-value-Bar.pdf", "Bar"),
    ("pdf/form-libreoffice-mixed-fields.pdf", "Alice"),
])
def test_form_values_are_flattened_into_the_page(rel, value):
    import pypdfium2 as pdfium

    doc = norm(rel)
    assert "/AcroForm" not in doc.pdf.Root
    assert all("/Annots" not in p.obj for p in doc.pdf.pages)
    text = pdfium.PdfDocument(saved(doc.pdf))[0].get_textpage().get_text_range()
    assert value in text.split()


# --------------------------------------------------------------------------- images

def _image_region(rel: str, dpi: float = 40):
    doc = norm(rel)
    _, xobj, box = placement(doc.pdf.pages[0])
    return doc, xobj, crop_pt(render(saved(doc.pdf), 0, dpi), box, dpi)


@needs_corpus
@pytest.mark.parametrize("rel", ["images/phone-photo-exif-orientation-6.jpg",
                                 "images/phone-photo-exif-orientation-8.jpg",
                                 "images/photo-exif-orientation-3.jpg"])
def test_exif_rotated_photos_come_out_upright_without_reencoding(rel):
    doc, xobj, region = _image_region(rel)
    with Image.open(CORPUS / rel) as im:
        upright = ImageOps.exif_transpose(im).convert("RGB")
        stored = im.size
    right = mean_abs_diff(region, upright)
    assert right < 12, right
    for wrong in (upright.rotate(180), upright.transpose(Image.Transpose.FLIP_LEFT_RIGHT)):
        assert mean_abs_diff(region, wrong) > right + 10
    # pass-through: the JPEG bytes are embedded unchanged, rotated by the placement matrix
    assert xobj.Filter == pikepdf.Name.DCTDecode
    assert xobj.read_raw_bytes() == (CORPUS / rel).read_bytes()
    assert (int(xobj.Width), int(xobj.Height)) == stored


@needs_corpus
def test_progressive_jpeg_passes_through():
    _, xobj, _ = _image_region("images/progressive.jpg")
    assert xobj.Filter == pikepdf.Name.DCTDecode
    assert xobj.read_raw_bytes() == (CORPUS / "images/progressive.jpg").read_bytes()


@needs_corpus
def test_cmyk_jpeg_is_not_inverted():
    doc, xobj, region = _image_region("images/cmyk-adobe-app14.jpg", dpi=72)
    assert xobj.read_raw_bytes() == (CORPUS / "images/cmyk-adobe-app14.jpg").read_bytes()
    with Image.open(CORPUS / "images/cmyk-adobe-app14.jpg") as im:
        want = im.convert("RGB")
    assert mean_abs_diff(region, want) < 25
    # the background is black and the lettering red; inverted it would be near-white and cyan
    w, h = region.size
    bg = region.getpixel((w // 2, h - 5))
    assert max(bg) < 60, bg


@needs_corpus
@pytest.mark.parametrize("rel", ["images/rgba-alpha.png", "images/palette-with-transparency.png",
                                 "images/rgba-16bit.png"])
def test_transparency_is_flattened_onto_white(rel):
    doc, xobj, region = _image_region(rel)
    assert xobj.Filter == pikepdf.Name.FlateDecode and "/SMask" not in xobj
    with Image.open(CORPUS / rel) as im:
        rgba = im.convert("RGBA")
    want = Image.new("RGB", rgba.size, "white")
    want.paste(rgba, mask=rgba.getchannel("A"))
    assert mean_abs_diff(region, want) < 12
    if rel != "images/rgba-16bit.png":
        assert region.getpixel((1, 1)) == (255, 255, 255)   # transparent corner: white, not black


@needs_corpus
def test_huge_image_is_downsampled_to_300_dpi_without_full_decode(monkeypatch):
    from PIL import JpegImagePlugin

    decoded = []
    real_load = JpegImagePlugin.JpegImageFile.load

    def spy(self):
        decoded.append(self.size)
        return real_load(self)
    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", spy)
    doc = normalize(CORPUS / "images/very-large-8000x6000.jpg")
    _, xobj, (x0, y0, x1, y1) = placement(doc.pdf.pages[0])
    dpi = int(xobj.Width) / ((x1 - x0) / 72)
    assert 295 <= dpi <= 301, dpi
    assert decoded and max(w * h for w, h in decoded) <= 4000 * 3000, "decoded at full size"


@needs_corpus
def test_tiny_images_fill_the_box_and_keep_their_density_ratio():
    _, _, (x0, y0, x1, y1) = placement(norm("images/tiny-1x1.png").pdf.pages[0])
    assert (round(x1 - x0), round(y1 - y0)) == (612, 612)
    # 1 x 1 px at 2.54 x 5.08 dpi is twice as wide as tall
    _, _, (x0, y0, x1, y1) = placement(norm("images/tiny-1x1-nonsquare-dpi-cm.jpg").pdf.pages[0])
    assert (round(x1 - x0), round(y1 - y0)) == (612, 306)


@needs_corpus
def test_g4_tiff_orientation_is_applied_once():
    doc, xobj, region = _image_region("images/scanner-g4-fax-orientation-6.tif")
    with Image.open(CORPUS / "images/scanner-g4-fax-orientation-6.tif") as im:
        im.load()
        upright = im.convert("RGB")
    assert region.width > region.height            # the text line is horizontal
    assert mean_abs_diff(region, upright) < 12


# --------------------------------------------------------------------------- speed

@needs_corpus
def test_600_pages_normalize_fast():
    normalize(CORPUS / "pdf/large-600-pages.pdf")  # warm-up (imports)
    t0 = time.perf_counter()
    doc = normalize(CORPUS / "pdf/large-600-pages.pdf")
    seconds = time.perf_counter() - t0
    assert doc.page_count == 600
    assert seconds < 2.0, f"{seconds:.2f} s"


# --------------------------------------------------------------------------- synthetic inputs (no corpus)

def _quadrants(size=(160, 120)) -> Image.Image:
    """An image whose orientation is unambiguous: red, green / blue, white quadrants."""
    w, h = size
    im = Image.new("RGB", size, "white")
    im.paste((220, 0, 0), (0, 0, w // 2, h // 2))
    im.paste((0, 200, 0), (w // 2, 0, w, h // 2))
    im.paste((0, 0, 220), (0, h // 2, w // 2, h))
    return im


_INVERSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
            5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_270}


@pytest.mark.parametrize("orientation", range(1, 9))
def test_all_eight_exif_orientations(tmp_path, orientation):
    upright = _quadrants()
    stored = upright.transpose(_INVERSE[orientation]) if orientation > 1 else upright
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"o{orientation}.jpg"
    stored.save(path, "JPEG", quality=95, exif=exif.tobytes())
    with Image.open(path) as check:
        assert mean_abs_diff(ImageOps.exif_transpose(check), upright) < 3   # the fixture is right
    doc = normalize(path)
    _, xobj, box = placement(doc.pdf.pages[0])
    assert xobj.read_raw_bytes() == path.read_bytes()
    region = crop_pt(render(saved(doc.pdf), 0, 30), box, 30)
    assert mean_abs_diff(region, upright) < 8


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "TIFF"])
def test_exif_orientation_of_other_formats(tmp_path, fmt):
    upright = _quadrants()
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / f"o6.{fmt.lower()}"
    kw = {"lossless": True} if fmt == "WEBP" else {}
    if fmt == "TIFF":
        kw["tiffinfo"] = {274: 6}
    else:
        kw["exif"] = exif.tobytes()
    upright.transpose(Image.Transpose.ROTATE_90).save(path, fmt, **kw)
    with Image.open(path) as check:
        check.load()
        assert mean_abs_diff(ImageOps.exif_transpose(check), upright) < 3   # the fixture is right
    doc = normalize(path)
    _, _, box = placement(doc.pdf.pages[0])
    assert box[2] - box[0] > box[3] - box[1]
    assert mean_abs_diff(crop_pt(render(saved(doc.pdf), 0, 30), box, 30), upright) < 8


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "I;16", "I", "F"])
def test_image_modes_become_pdf_images(tmp_path, mode):
    base = _quadrants().convert("RGBA")
    im = base.convert(mode) if mode not in ("I;16", "I", "F") else base.convert("L").convert(mode)
    fmt = "TIFF" if mode in ("CMYK", "I", "F", "PA") else "PNG"
    path = tmp_path / f"m.{fmt.lower()}"
    im.save(path, fmt)
    doc = normalize(path)
    assert_clean_letter_pages(doc)
    _, xobj, _ = placement(doc.pdf.pages[0])
    assert xobj.Filter == pikepdf.Name.FlateDecode
    assert str(xobj.ColorSpace) in ("/DeviceGray", "/DeviceRGB", "/DeviceCMYK")
    render(saved(doc.pdf), 0, 20)   # renders without error


def test_mpo_camera_jpeg_passes_its_primary_image_through(tmp_path):
    primary, depth = _quadrants(), Image.new("RGB", (40, 30), "black")
    primary.save(tmp_path / "cam.jpg", "MPO", save_all=True, append_images=[depth])
    doc = normalize(tmp_path / "cam.jpg")
    assert doc.page_count == 1 and doc.warnings == []
    _, xobj, box = placement(doc.pdf.pages[0])
    raw = xobj.read_raw_bytes()
    assert xobj.Filter == pikepdf.Name.DCTDecode and (tmp_path / "cam.jpg").read_bytes().startswith(raw)
    assert len(raw) < (tmp_path / "cam.jpg").stat().st_size
    assert mean_abs_diff(crop_pt(render(saved(doc.pdf), 0, 30), box, 30), primary) < 8


def test_webp_and_bmp_and_gif(tmp_path):
    for fmt, ext in (("WEBP", "webp"), ("BMP", "bmp"), ("GIF", "gif")):
        path = tmp_path / f"x.{ext}"
        _quadrants().save(path, fmt)
        doc = normalize(path)
        assert doc.kind == "image" and doc.page_count == 1 and doc.warnings == []


def test_extension_does_not_decide_the_type(tmp_path):
    png = tmp_path / "scan.jpg"
    _quadrants().save(png, "PNG")
    assert normalize(png).warnings == []
    pdf_as_png = tmp_path / "letter.png"
    pikepdf.new().save(pdf_as_png)   # a zero-page PDF named .png is still read as a PDF
    with pytest.raises(EvidenceDamagedError, match="has no pages"):
        normalize(pdf_as_png)


def test_display_name_is_used_in_messages(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"<!DOCTYPE html><html><body>Sign in</body></html>")
    with pytest.raises(EvidenceDamagedError) as info:
        normalize(path, display_name="statement.pdf (exhibit B)")
    assert info.value.message.startswith("statement.pdf (exhibit B): not a PDF or image (looks like an HTML page)")


def test_missing_file_directory_and_empty_file(tmp_path):
    with pytest.raises(EvidenceError) as info:
        normalize(tmp_path / "nope.pdf")
    assert type(info.value) is EvidenceError and "nope.pdf" in info.value.message and "not found" in info.value.message
    with pytest.raises(EvidenceError) as info:
        normalize(tmp_path)
    assert type(info.value) is EvidenceError and "folder" in info.value.message
    (tmp_path / "empty.pdf").write_bytes(b"")
    with pytest.raises(EvidenceDamagedError, match="empty"):
        normalize(tmp_path / "empty.pdf")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.pdf")       # reading it would block forever
        with pytest.raises(EvidenceError, match="not a regular file"):
            normalize(tmp_path / "pipe.pdf")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    path.chmod(0)
    try:
        with pytest.raises(EvidenceError, match="permission denied"):
            normalize(path)
    finally:
        path.chmod(0o600)


def test_pixel_cap_rejects_before_decoding(tmp_path):
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    # a 20000 x 20000 PNG (400 MP) whose pixel data is 100 bytes: decoding it would need 1.2 GB
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b"")
    (tmp_path / "bomb.png").write_bytes(png)
    with pytest.raises(EvidenceDamagedError, match="too large"):
        normalize(tmp_path / "bomb.png")


def test_multiframe_tiff_and_animated_gif(tmp_path):
    frames = [_quadrants(), _quadrants().rotate(180), _quadrants().convert("L")]
    frames[0].save(tmp_path / "m.tiff", save_all=True, append_images=frames[1:])
    assert normalize(tmp_path / "m.tiff").page_count == 3
    frames[0].save(tmp_path / "a.gif", save_all=True, append_images=frames[1:2], duration=100, loop=0)
    doc = normalize(tmp_path / "a.gif")
    assert doc.page_count == 1 and "animated GIF (2 frames)" in doc.warnings[0]


def test_javascript_in_a_synthetic_pdf_is_removed(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    js = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    pdf.Root.OpenAction = js
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=js)
    link = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[10, 10, 100, 30],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("javascript:alert(1)"))))
    web = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[10, 40, 100, 60],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://www.uscis.gov/"))))
    pdf.pages[0].obj.Annots = pikepdf.Array([link, web])
    pdf.save(tmp_path / "js.pdf")
    doc = normalize(tmp_path / "js.pdf", keep_links=True)
    out = pikepdf.open(io.BytesIO(saved(doc.pdf)))
    assert forbidden_keys(out) == set()
    annots = list(out.pages[0].obj.Annots)
    assert len(annots) == 1 and str(annots[0].A.URI) == "https://www.uscis.gov/"
    assert any("JavaScript" in w for w in doc.warnings) and any("1 unsafe web" in w for w in doc.warnings)
    doc = normalize(tmp_path / "js.pdf")            # by default the web link goes too
    out = pikepdf.open(io.BytesIO(saved(doc.pdf)))
    assert "/Annots" not in out.pages[0].obj
    assert any("removed 1 external link(s)" in w for w in doc.warnings), doc.warnings


# --------------------------------------------------------------------------- photo resolution, JPEG pass-through

def _no_resample(monkeypatch):
    def fail(self, *a, **kw):
        raise AssertionError("resampled")
    monkeypatch.setattr(Image.Image, "resize", fail)


def test_12mp_phone_photo_is_halved_by_dct_scaling_not_resampled(tmp_path, monkeypatch):
    # 4032 x 3024 stored sideways (EXIF 6), portrait on the page: 367 dpi at page size
    upright = _quadrants((3024, 4032))
    jpeg_file(tmp_path / "p.jpg", upright.transpose(_INVERSE[6]), 6)
    decoded = spy_jpeg_decodes(monkeypatch)
    with monkeypatch.context() as m:
        _no_resample(m)
        doc = normalize(tmp_path / "p.jpg")
    _, xobj, box = placement(doc.pdf.pages[0])
    assert (int(xobj.Width), int(xobj.Height)) == (2016, 1512)      # stored orientation kept
    assert decoded == [(2016, 1512)], "decoded at full size"
    assert xobj.Filter == pikepdf.Name.DCTDecode and embedded_jpeg(xobj).size == (2016, 1512)
    dx, dy = placed_dpi(doc.pdf.pages[0])
    assert 150 <= min(dx, dy) and max(dx, dy) <= 300, (dx, dy)
    assert mean_abs_diff(crop_pt(render(saved(doc.pdf), 0, 30), box, 30), upright) < 8   # upright


def test_resolution_is_bounded_at_page_size(tmp_path):
    # 8 MP portrait photo: 297 dpi at page size (308 as placed, the content box being 30 pt short)
    stored = _quadrants((2448, 3264)).transpose(_INVERSE[6])
    data = jpeg_file(tmp_path / "portrait.jpg", stored, 6)
    doc = normalize(tmp_path / "portrait.jpg")
    _, xobj, _ = placement(doc.pdf.pages[0])
    assert xobj.read_raw_bytes() == data                             # passed through
    assert page_size_dpi(doc.pdf.pages[0]) <= 300
    assert max(placed_dpi(doc.pdf.pages[0])) <= 300 * 792 / 762 + 0.01
    # just over: 2560 px across 8.5 in is 301 dpi
    jpeg_file(tmp_path / "wide.jpg", _quadrants((2560, 1920)))
    doc = normalize(tmp_path / "wide.jpg")
    _, xobj, _ = placement(doc.pdf.pages[0])
    assert (int(xobj.Width), int(xobj.Height)) == (1280, 960)
    assert page_size_dpi(doc.pdf.pages[0]) <= 300


def test_exactly_300_dpi_when_halving_is_turned_off(tmp_path, monkeypatch):
    from packetgen.evidence import image

    monkeypatch.setattr(image, "HALF_SCALE_MIN_DPI", image.IMAGE_DPI)
    upright = _quadrants((3024, 4032))
    jpeg_file(tmp_path / "p.jpg", upright.transpose(_INVERSE[6]), 6)
    doc = normalize(tmp_path / "p.jpg")
    _, xobj, box = placement(doc.pdf.pages[0])
    assert (int(xobj.Width), int(xobj.Height)) == (3300, 2475)      # upright 2475 x 3300: 11 in at 300 dpi
    assert 299 <= page_size_dpi(doc.pdf.pages[0]) <= 300.01
    assert mean_abs_diff(crop_pt(render(saved(doc.pdf), 0, 30), box, 30), upright) < 8


def test_over_600_dpi_decodes_reduced_then_resamples_to_300(tmp_path, monkeypatch):
    jpeg_file(tmp_path / "big.jpg", _quadrants((6000, 4500)))       # 706 dpi across 8.5 in
    decoded = spy_jpeg_decodes(monkeypatch)
    doc = normalize(tmp_path / "big.jpg")
    _, xobj, _ = placement(doc.pdf.pages[0])
    assert decoded == [(3000, 2250)]
    assert int(xobj.Width) == 2550 and 299 <= placed_dpi(doc.pdf.pages[0])[0] <= 300.01


def test_passed_through_jpeg_is_not_decoded(tmp_path, monkeypatch):
    for name, kw in (("baseline.jpg", {}), ("progressive.jpg", {"progressive": True}),
                     ("restarts.jpg", {"restart_marker_blocks": 4}), ("gray.jpg", {"mode": "L"})):
        img = _quadrants((640, 480))
        if kw.pop("mode", None):
            img = img.convert("L")
        data = jpeg_file(tmp_path / name, img.transpose(_INVERSE[3]), 3, **kw)   # upside down, EXIF 3
        decoded = spy_jpeg_decodes(monkeypatch)
        doc = normalize(tmp_path / name)
        assert decoded == [], name
        _, xobj, box = placement(doc.pdf.pages[0])
        assert xobj.read_raw_bytes() == data, name
        assert mean_abs_diff(crop_pt(render(saved(doc.pdf), 0, 30), box, 30), img) < 8, name
        monkeypatch.undo()


def test_damaged_jpegs_are_refused_or_reencoded(tmp_path):
    noisy = Image.blend(_quadrants((400, 300)), Image.effect_noise((400, 300), 60).convert("RGB"), 0.3)
    data = jpeg_file(tmp_path / "ok.jpg", noisy)
    # cut off (an interrupted download): refused
    assert data.index(b"\xff\xda") < len(data) * 6 // 10
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) * 6 // 10])
    with pytest.raises(EvidenceDamagedError, match="damaged or cut off"):
        normalize(tmp_path / "cut.jpg")
    # a trailer after the end marker (Samsung phones append one): still passed through as it is
    (tmp_path / "trailer.jpg").write_bytes(data + b"SEFHxxxx" * 64)
    doc = normalize(tmp_path / "trailer.jpg")
    _, xobj, _ = placement(doc.pdf.pages[0])
    assert xobj.read_raw_bytes() == data + b"SEFHxxxx" * 64
    # stray bytes between segments: libjpeg only warns, so it is decoded and re-encoded, not refused
    i = data.index(b"\xff\xdb")
    (tmp_path / "stray.jpg").write_bytes(data[:i] + b"\x00\x00" + data[i:])
    doc = normalize(tmp_path / "stray.jpg")
    _, xobj, box = placement(doc.pdf.pages[0])
    assert xobj.Filter == pikepdf.Name.DCTDecode and xobj.read_raw_bytes() != data
    assert mean_abs_diff(crop_pt(render(saved(doc.pdf), 0, 30), box, 30), noisy) < 12


def test_jpeg_walk_never_passes_a_file_libjpeg_refuses():
    """The structure walk that replaces decoding passed-through JPEGs, against Pillow on damaged files."""
    import random
    import warnings

    from packetgen.evidence.jpeg import _PASS_SOF, _jpeg_sof, _jpeg_structure_problem

    base = Image.effect_mandelbrot((96, 72), (-2, -1.2, 1, 1.2), 60).convert("RGB")
    seeds = []
    for mode in ("RGB", "L", "CMYK"):
        for kw in ({}, {"progressive": True}, {"restart_marker_blocks": 2}, {"subsampling": 0}):
            buf = io.BytesIO()
            base.convert(mode).save(buf, "JPEG", quality=80, **kw)
            seeds.append(buf.getvalue())
    rng = random.Random(7)
    passed = refused_by_both = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(3000):
            data = bytearray(rng.choice(seeds))
            if rng.random() < 0.2:
                data = data[: rng.randrange(2, len(data))]
            else:
                for _ in range(rng.randint(1, 4)):   # headers are in the first ~700 bytes: hit them often
                    data[rng.randrange(2, len(data) if rng.random() < 0.5 else min(len(data), 700))] = \
                        rng.randrange(256)
            data = bytes(data)
            try:
                im = Image.open(io.BytesIO(data))
            except Exception:
                continue
            walk_ok = _jpeg_sof(data) in _PASS_SOF and _jpeg_structure_problem(data) is None
            try:
                im.load()
                decodes = True
            except Exception:
                decodes = False
            assert decodes or not walk_ok, f"walk passed a file libjpeg refuses: {data.hex()}"
            passed += walk_ok
            refused_by_both += not walk_ok and not decodes
    assert passed > 1000 and refused_by_both > 500        # the sample exercised both sides


def test_reduced_photo_keeps_its_chroma_subsampling(tmp_path):
    for sampling in (0, 2):
        jpeg_file(tmp_path / "s.jpg", _quadrants((4000, 3000)), subsampling=sampling)
        doc = normalize(tmp_path / "s.jpg")
        _, xobj, _ = placement(doc.pdf.pages[0])
        from PIL import JpegImagePlugin
        assert JpegImagePlugin.get_sampling(embedded_jpeg(xobj)) == sampling


def test_cmyk_photo_over_the_bound_is_not_inverted(tmp_path):
    upright = _quadrants((4000, 3000))
    jpeg_file(tmp_path / "cmyk.jpg", upright.convert("CMYK"))      # Pillow writes Adobe (inverted) CMYK
    with Image.open(tmp_path / "cmyk.jpg") as im:
        assert im.mode == "CMYK" and "adobe" in im.info
        want = im.convert("RGB")
    doc = normalize(tmp_path / "cmyk.jpg")
    _, xobj, box = placement(doc.pdf.pages[0])
    assert (int(xobj.Width), int(xobj.Height)) == (2000, 1500)
    region = crop_pt(render(saved(doc.pdf), 0, 30), box, 30)
    assert mean_abs_diff(region, want) < 8
    r, g, b = region.getpixel((region.width // 4, region.height // 4))
    assert r > 150 and g < 80 and b < 80, (r, g, b)                  # red, not cyan


def test_lossy_webp_is_halved_and_big_png_is_resampled_and_flattened(tmp_path):
    _quadrants((3000, 2000)).save(tmp_path / "w.webp", "WEBP", quality=80)   # 353 dpi
    doc = normalize(tmp_path / "w.webp")
    _, xobj, _ = placement(doc.pdf.pages[0])
    assert xobj.Filter == pikepdf.Name.DCTDecode and (int(xobj.Width), int(xobj.Height)) == (1500, 1000)
    rgba = _quadrants((5200, 400)).convert("RGBA")                   # 612 dpi, lossless, transparent middle
    rgba.paste((0, 0, 0, 0), (2000, 0, 3200, 400))
    rgba.save(tmp_path / "strip.png")
    doc = normalize(tmp_path / "strip.png")
    _, xobj, box = placement(doc.pdf.pages[0])
    assert xobj.Filter == pikepdf.Name.FlateDecode and "/SMask" not in xobj
    assert int(xobj.Width) == 2550
    region = crop_pt(render(saved(doc.pdf), 0, 72), box, 72)
    assert region.getpixel((region.width // 2, region.height // 4)) == (255, 255, 255)   # flattened onto white


@needs_corpus
def test_heic_phone_photo_is_halved():
    pytest.importorskip("pillow_heif")
    doc = norm("images/iphone-photo.heic")
    _, xobj, _ = placement(doc.pdf.pages[0])
    assert (int(xobj.Width), int(xobj.Height)) == (2016, 1512)
    assert max(placed_dpi(doc.pdf.pages[0])) <= 300


# --------------------------------------------------------------------------- fuzzing: never a traceback

def _small_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 100))
    pdf.pages[0].obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 10 10 Td (Hello) Tj ET")
    pdf.pages[0].obj.Rotate = 90
    buf = io.BytesIO()
    pdf.save(buf, compress_streams=False)
    return buf.getvalue()


def _small_jpeg() -> bytes:
    buf = io.BytesIO()
    _quadrants((64, 48)).save(buf, "JPEG")
    return buf.getvalue()


def _small_png() -> bytes:
    buf = io.BytesIO()
    _quadrants((32, 24)).convert("RGBA").save(buf, "PNG")
    return buf.getvalue()


def test_fuzzed_inputs_only_raise_taxonomy_errors(tmp_path):
    pytest.importorskip("hypothesis")
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    seeds = [_small_pdf(), _small_jpeg(), _small_png()]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(seed=st.sampled_from(range(len(seeds))), cut=st.floats(0.0, 1.0),
           flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=6))
    def run(seed, cut, flips):
        data = bytearray(seeds[seed])
        for where, value in flips:
            data[int(where * (len(data) - 1))] = value
        data = bytes(data[: max(1, int(len(data) * cut))]) if cut < 0.98 else bytes(data)
        path = tmp_path / "fuzz.bin"
        path.write_bytes(data)
        try:
            doc = normalize(path)
        except PacketgenError as exc:
            assert isinstance(exc, EvidenceError)
            assert "fuzz.bin" in exc.message
        else:
            assert_clean_letter_pages(doc)
            saved(doc.pdf)

    run()
