"""Office documents as evidence: .docx, .doc, .odt, .rtf (and spreadsheets) turned into PDF by LibreOffice.

LibreOffice runs headless in a private, throw-away profile with macros disabled, under a time limit.  The
PDF is re-saved with its dates, XMP and random /ID removed, so the same document always gives the same
bytes, and cached by the document's SHA-256 in the user data folder.  Policy: docs/evidence.md.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from packetgen.errors import EvidenceDamagedError, EvidenceError

# suffix -> (what it is, needs LibreOffice Calc)
OFFICE_TYPES = {
    ".docx": ("a Word document", False),
    ".doc": ("a Word 97-2003 document", False),
    ".odt": ("an OpenDocument text", False),
    ".rtf": ("an RTF document", False),
    ".xlsx": ("an Excel workbook", True),
    ".xls": ("an Excel 97-2003 workbook", True),
    ".ods": ("an OpenDocument spreadsheet", True),
}
CONVERTER_VERSION = "1"          # part of the cache key: bump when the conversion or the clean-up changes
DEFAULT_TIMEOUT = 120            # seconds; PACKETGEN_OFFICE_TIMEOUT overrides
INSTALL_HINT = ("install LibreOffice (Debian/Ubuntu: sudo apt-get install libreoffice-writer-nogui; "
                "macOS: brew install --cask libreoffice; Windows: libreoffice.org), or open the document "
                "and save it as a PDF")
CALC_HINT = ("spreadsheets need LibreOffice Calc (Debian/Ubuntu: sudo apt-get install libreoffice-calc-nogui), "
             "or open the workbook and save it as a PDF")

# Very high macro security, macros off, no fetching of linked content from untrusted places.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" \
oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseLocking" oor:op="fuse"><value>false</value>\
</prop></item>
</oor:items>
"""


@dataclass(frozen=True)
class OfficePdf:
    """A converted document: the clean PDF's bytes and the SHA-256 of the original file."""
    pdf: bytes
    source_sha256: str
    cached: bool
    path: Optional[Path] = None      # a file holding ``pdf`` (the cache entry), for readers that open files


def is_office_file(path: Path) -> bool:
    """True for a .docx/.doc/.odt/.rtf/.xlsx/.xls/.ods file whose content is an Office container (ZIP, OLE, RTF).

    A file with an Office name that is really a PDF or an image goes the normal way (content decides).
    """
    if Path(path).suffix.lower() not in OFFICE_TYPES:
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return False        # the normalizer reports unreadable files
    return head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf"))


def find_soffice() -> Optional[str]:
    """The LibreOffice program: $PACKETGEN_SOFFICE, else soffice/libreoffice on PATH (or macOS's app)."""
    env = os.environ.get("PACKETGEN_SOFFICE")
    if env:
        return env if (os.path.isfile(env) and os.access(env, os.X_OK)) else shutil.which(env)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    mac = "/Applications/LibreOffice.app/Contents/MacOS/soffice"
    return mac if os.path.isfile(mac) else None


def cache_dir() -> Path:
    from packetgen.resources import user_data_dir

    return user_data_dir() / "office-pdf"


def _timeout() -> float:
    try:
        return max(1.0, float(os.environ.get("PACKETGEN_OFFICE_TIMEOUT", DEFAULT_TIMEOUT)))
    except ValueError:
        return float(DEFAULT_TIMEOUT)


def convert(path: Path, name: str) -> OfficePdf:
    """The document at ``path`` as a clean PDF (from the cache when this exact document was converted before).

    ``name`` is what messages call the file.  Raises EvidenceError (LibreOffice missing, exit 4) or
    EvidenceDamagedError (the document cannot be converted, exit 6).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    what, needs_calc = OFFICE_TYPES[suffix]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EvidenceError(f"{name}: cannot be read ({exc.strerror or exc})",
                            fix="check the file path and its permissions") from exc
    sha = hashlib.sha256(data).hexdigest()
    cached = cache_dir() / f"{sha}-{suffix[1:]}-v{CONVERTER_VERSION}.pdf"
    try:
        pdf = cached.read_bytes()
        if pdf.startswith(b"%PDF-"):
            return OfficePdf(pdf, sha, True, cached)
    except OSError:
        pass
    soffice = find_soffice()
    if not soffice:
        raise EvidenceError(f"{name}: is {what}; converting it needs LibreOffice, which is not installed",
                            fix=INSTALL_HINT)
    raw = _run_soffice(soffice, data, suffix, name, what, needs_calc)
    pdf = _clean(raw, name)
    return OfficePdf(pdf, sha, False, _store(cached, pdf))


def _run_soffice(soffice: str, data: bytes, suffix: str, name: str, what: str, needs_calc: bool) -> bytes:
    timeout = _timeout()
    with tempfile.TemporaryDirectory(prefix="packetgen-office-") as tmp:
        tmp_path = Path(tmp)
        os.chmod(tmp, 0o700)
        (tmp_path / "profile" / "user").mkdir(parents=True)
        (tmp_path / "profile" / "user" / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        src = tmp_path / f"document{suffix}"       # a plain name: no quoting trouble, no user text in argv
        src.write_bytes(data)
        out = tmp_path / "out"
        out.mkdir()
        cmd = [soffice, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               "--nofirststartwizard", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
               "--convert-to", "pdf", "--outdir", str(out), str(src)]
        env = {**os.environ, "HOME": tmp, "SAL_USE_VCLPLUGIN": "svp"}
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, cwd=tmp, env=env, start_new_session=True)
        except OSError as exc:
            raise EvidenceError(f"{name}: is {what}; LibreOffice ({soffice}) could not be started "
                                f"({exc.strerror or exc})", fix=INSTALL_HINT) from exc
        try:
            proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise EvidenceDamagedError(
                f"{name}: LibreOffice did not finish converting it within {timeout:g} seconds",
                fix="open the document and save it as a PDF, or allow more time with "
                    "PACKETGEN_OFFICE_TIMEOUT=SECONDS") from None
        finally:
            _kill(proc)
        result = out / "document.pdf"
        if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            raise EvidenceDamagedError(
                f"{name}: LibreOffice could not convert {what} to PDF (damaged, password-protected, "
                f"or not really {what})",
                fix=CALC_HINT if needs_calc else "open the document, check it, and save it as a PDF")
        return result.read_bytes()


def _kill(proc: subprocess.Popen) -> None:
    """End LibreOffice and anything it started (its own process group)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        proc.wait()


def _clean(raw: bytes, name: str) -> bytes:
    """Drop what differs between two conversions of the same document: dates, producer, XMP, the random /ID."""
    import io

    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(raw)) as pdf:
            for key in ("/Info", "/DocChecksum", "/ID"):   # dates, producer, checksum, random ID
                if key in pdf.trailer:
                    del pdf.trailer[key]
            if "/Metadata" in pdf.Root:
                del pdf.Root["/Metadata"]
            buf = io.BytesIO()
            pdf.save(buf, deterministic_id=True, linearize=False)
            return buf.getvalue()
    except pikepdf.PdfError as exc:
        raise EvidenceDamagedError(f"{name}: LibreOffice made an unreadable PDF from it ({exc})",
                                   fix="open the document and save it as a PDF") from exc


def _store(cached: Path, pdf: bytes) -> Path:
    """Write the cache file privately (0600 in a 0700 folder); where the cache cannot be written, a private
    temporary file removed when packetgen exits."""
    try:
        cached.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".part-", dir=cached.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pdf)
        os.replace(tmp, cached)
        return cached
    except OSError:
        import atexit

        fd, tmp = tempfile.mkstemp(prefix="packetgen-office-", suffix=".pdf")
        with os.fdopen(fd, "wb") as fh:
            fh.write(pdf)
        atexit.register(lambda: os.path.exists(tmp) and os.unlink(tmp))
        return Path(tmp)
