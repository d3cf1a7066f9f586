"""Passport biographic pages (open booklet) drawn with reportlab, with a valid ICAO 9303 MRZ."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from reportlab.lib import colors
from reportlab.lib.units import mm

from .common import rng

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
MONTHS_ES = ["ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SEP", "OCT", "NOV", "DIC"]


@dataclass
class Country:
    code: str
    header: list[str]                 # lines at the top of the data page
    cover: str                        # booklet cover colour
    tint: str                         # data-page background tint
    accent: str                       # guilloche / title colour
    labels: dict[str, str]            # field -> printed label (bilingual)
    authority: str
    nationality: str
    month_style: str = "en"           # "en" or "es/en"


_EN = {"type": "Type", "code": "Code", "number": "Passport No.", "surname": "Surname", "given": "Given Names",
       "nationality": "Nationality", "dob": "Date of birth", "sex": "Sex", "pob": "Place of birth",
       "issued": "Date of issue", "expires": "Date of expiration", "authority": "Authority"}

COUNTRIES = {
    "HND": Country("HND", ["REPÚBLICA DE HONDURAS", "REPUBLIC OF HONDURAS"], "#14284b", "#eef1f6", "#3b6aa8",
                   {"type": "Tipo/Type", "code": "Código/Code", "number": "Pasaporte No./Passport No.",
                    "surname": "Apellidos/Surname", "given": "Nombres/Given names",
                    "nationality": "Nacionalidad/Nationality", "dob": "Fecha de nacimiento/Date of birth",
                    "sex": "Sexo/Sex", "pob": "Lugar de nacimiento/Place of birth",
                    "issued": "Fecha de expedición/Date of issue", "expires": "Fecha de vencimiento/Date of expiry",
                    "authority": "Autoridad/Authority"},
                   "INM TEGUCIGALPA", "HONDUREÑA", "es/en"),
    "GTM": Country("GTM", ["REPÚBLICA DE GUATEMALA", "REPUBLIC OF GUATEMALA"], "#1a2c5e", "#eef4f5", "#2f7fa0",
                   {"type": "Tipo/Type", "code": "Código/Code", "number": "Pasaporte No./Passport No.",
                    "surname": "Apellidos/Surname", "given": "Nombres/Given names",
                    "nationality": "Nacionalidad/Nationality", "dob": "Fecha de nacimiento/Date of birth",
                    "sex": "Sexo/Sex", "pob": "Lugar de nacimiento/Place of birth",
                    "issued": "Fecha de emisión/Date of issue", "expires": "Fecha de vencimiento/Date of expiry",
                    "authority": "Autoridad/Authority"},
                   "IGM GUATEMALA", "GUATEMALTECA", "es/en"),
    "USA": Country("USA", ["UNITED STATES OF AMERICA"], "#142447", "#f1f0ea", "#7a3040",
                   {"type": "Type / Type / Tipo", "code": "Code / Code / Código",
                    "number": "Passport No. / No. du Passeport / No. de Pasaporte",
                    "surname": "Surname / Nom / Apellidos", "given": "Given Names / Prénoms / Nombres",
                    "nationality": "Nationality / Nationalité / Nacionalidad",
                    "dob": "Date of birth / Date de naissance / Fecha de nacimiento", "sex": "Sex / Sexe / Sexo",
                    "pob": "Place of birth / Lieu de naissance / Lugar de nacimiento",
                    "issued": "Date of issue / Date de délivrance / Fecha de expedición",
                    "expires": "Date of expiration / Date d'expiration / Fecha de caducidad",
                    "authority": "Authority / Autorité / Autoridad"},
                   "United States\nDepartment of State", "UNITED STATES OF AMERICA"),
    "PHL": Country("PHL", ["REPUBLIKA NG PILIPINAS", "REPUBLIC OF THE PHILIPPINES"], "#5a1620", "#f4efe9",
                   "#9b5a2a",
                   {"type": "Uri/Type", "code": "Kodigo/Code", "number": "Pasaporte Blg./Passport No.",
                    "surname": "Apelyido/Surname", "given": "Mga Pangalan/Given names",
                    "middle": "Panggitnang Apelyido/Middle name",
                    "nationality": "Nasyonalidad/Nationality", "dob": "Petsa ng kapanganakan/Date of birth",
                    "sex": "Kasarian/Sex", "pob": "Lugar ng kapanganakan/Place of birth",
                    "issued": "Petsa ng pagkakaloob/Date of issue", "expires": "Valid hanggang/Valid until",
                    "authority": "Maykapangyarihan/Authority"},
                   "DFA CEBU", "FILIPINO"),
}


@dataclass
class PassportData:
    country: str
    number: str
    surname: str
    given: str
    dob: dt.date
    sex: str
    place_of_birth: str
    issued: dt.date
    expires: dt.date
    personal_no: str = ""
    child: bool = False
    middle: str = ""                  # printed on its own line where the country's data page has one (PHL)
    extra: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- MRZ (ICAO 9303)

def _mrz_text(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.upper())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return "".join(ch if ch.isalnum() else "<" for ch in s.replace("-", " ").replace("'", ""))


def check_digit(s: str) -> str:
    total = 0
    for i, ch in enumerate(s):
        v = int(ch) if ch.isdigit() else (ord(ch) - 55 if ch.isalpha() else 0)
        total += v * (7, 3, 1)[i % 3]
    return str(total % 10)


def mrz_lines(p: PassportData) -> tuple[str, str]:
    names = _mrz_text(p.surname) + "<<" + _mrz_text(p.given)
    l1 = ("P<" + p.country + names)[:44].ljust(44, "<")
    num = _mrz_text(p.number)[:9].ljust(9, "<")
    dob = p.dob.strftime("%y%m%d")
    exp = p.expires.strftime("%y%m%d")
    pers = _mrz_text(p.personal_no)[:14].ljust(14, "<")
    pers_cd = check_digit(pers) if p.personal_no else "<"
    body = num + check_digit(num) + p.country + dob + check_digit(dob) + p.sex + exp + check_digit(exp) + pers + pers_cd
    composite = num + check_digit(num) + dob + check_digit(dob) + exp + check_digit(exp) + pers + pers_cd
    return l1, body + check_digit(composite)


# --------------------------------------------------------------------------- drawing

def _fmt(d: dt.date, style: str) -> str:
    if style == "es/en" and MONTHS_ES[d.month - 1] != MONTHS[d.month - 1]:
        return f"{d.day:02d} {MONTHS_ES[d.month - 1]}/{MONTHS[d.month - 1]} {d.year}"
    return f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}"


def _guilloche(c, x, y, w, h, color, seed):
    r = rng("guilloche", seed)
    c.saveState()
    p = c.beginPath()
    p.rect(x, y, w, h)
    c.clipPath(p, stroke=0, fill=0)
    c.setStrokeColor(colors.HexColor(color))
    c.setStrokeAlpha(0.22)
    c.setLineWidth(0.25)
    for k in range(26):
        amp = h * r.uniform(0.05, 0.16)
        freq = r.uniform(1.5, 4.0) * 2 * math.pi / w
        ph = r.uniform(0, 2 * math.pi)
        base = y + h * k / 25
        path = c.beginPath()
        for i in range(0, 121):
            xx = x + w * i / 120
            yy = base + amp * math.sin(freq * (xx - x) + ph) + amp * 0.4 * math.sin(3.1 * freq * (xx - x))
            path.moveTo(xx, yy) if i == 0 else path.lineTo(xx, yy)
        c.drawPath(path, stroke=1, fill=0)
    # a rosette on the right
    cx, cy, rad = x + w * 0.78, y + h * 0.55, h * 0.3
    for k in range(36):
        a = 2 * math.pi * k / 36
        c.circle(cx + rad * 0.45 * math.cos(a), cy + rad * 0.45 * math.sin(a), rad * 0.55, stroke=1, fill=0)
    c.restoreState()


def _portrait(c, x, y, w, h, seed, child=False, ghost=False, female=False):
    r = rng("portrait", seed)
    c.saveState()
    if ghost:
        c.setFillAlpha(0.28)
        c.setStrokeAlpha(0.28)
    skin = r.choice(["#c99a78", "#b9865f", "#d7ab8a", "#a8734f", "#c58f66"])
    hair = r.choice(["#1f1712", "#2b1d15", "#3a2a1e"])
    shirt = r.choice(["#2d3e5e", "#3d4f70", "#7a2f35", "#4a5a3a", "#5b5b66"])
    c.setFillColor(colors.HexColor("#dde3ea" if not ghost else "#ffffff"))
    c.rect(x, y, w, h, stroke=0, fill=1)
    cx = x + w / 2
    head_w = w * (0.50 if child else 0.46)
    head_h = h * (0.46 if child else 0.50)
    head_y = y + h * (0.30 if child else 0.29)
    # shoulders
    c.setFillColor(colors.HexColor(shirt))
    p = c.beginPath()
    p.moveTo(x, y)
    p.curveTo(x, y + h * 0.2, cx - w * 0.35, y + h * 0.25, cx, y + h * 0.26)
    p.curveTo(cx + w * 0.35, y + h * 0.25, x + w, y + h * 0.2, x + w, y)
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    # neck
    c.setFillColor(colors.HexColor(skin))
    c.rect(cx - w * 0.1, y + h * 0.2, w * 0.2, h * 0.14, stroke=0, fill=1)
    # hair behind the head
    c.setFillColor(colors.HexColor(hair))
    long_hair = female and not child
    if long_hair:
        c.roundRect(cx - head_w * 0.62, head_y - h * 0.05, head_w * 1.24, head_h * 1.05, head_w * 0.4, stroke=0,
                    fill=1)
    c.ellipse(cx - head_w * 0.55, head_y + head_h * 0.3, cx + head_w * 0.55, head_y + head_h * 1.08, stroke=0,
              fill=1)
    # face
    c.setFillColor(colors.HexColor(skin))
    c.ellipse(cx - head_w / 2, head_y, cx + head_w / 2, head_y + head_h, stroke=0, fill=1)
    # eyes, brows, mouth
    c.setFillColor(colors.HexColor("#2a1d16"))
    ey = head_y + head_h * 0.55
    for sx in (-1, 1):
        c.ellipse(cx + sx * head_w * 0.2 - w * 0.025, ey - h * 0.012, cx + sx * head_w * 0.2 + w * 0.025,
                  ey + h * 0.012, stroke=0, fill=1)
    c.setStrokeColor(colors.HexColor("#3a2a20"))
    c.setLineWidth(w * 0.012)
    for sx in (-1, 1):
        c.line(cx + sx * head_w * 0.1, ey + h * 0.04, cx + sx * head_w * 0.3, ey + h * 0.045)
    c.setStrokeColor(colors.HexColor("#7a4a3a"))
    c.line(cx - head_w * 0.14, head_y + head_h * 0.22, cx + head_w * 0.14, head_y + head_h * 0.22)
    c.setStrokeColor(colors.HexColor("#9a6a50"))
    c.setLineWidth(w * 0.008)
    c.line(cx, ey - h * 0.02, cx - w * 0.02, head_y + head_h * 0.35)
    c.restoreState()


def draw_booklet(c, W, H, p: PassportData):
    """An open passport: upper page (observations) and lower data page, on the booklet cover."""
    cfg = COUNTRIES[p.country]
    cover = colors.HexColor(cfg.cover)
    c.setFillColor(cover)
    c.roundRect(0, 0, W, H, 4 * mm, stroke=0, fill=1)
    m = 3 * mm
    pw, ph = W - 2 * m, (H - 2 * m) / 2
    # upper page
    c.setFillColor(colors.HexColor("#f6f3ec"))
    c.rect(m, m + ph, pw, ph, stroke=0, fill=1)
    _guilloche(c, m, m + ph, pw, ph, cfg.accent, p.number + "u")
    c.setFillColor(colors.HexColor(cfg.accent))
    c.setFont("Helvetica-Bold", 6.5)
    top = m + 2 * ph
    if p.country == "USA":
        c.drawCentredString(m + pw / 2, top - 9 * mm, "ENDORSEMENTS AND LIMITATIONS")
        c.setFont("Helvetica", 5.5)
        c.drawCentredString(m + pw / 2, top - 13 * mm, "SEE PAGE 27")
        c.setFont("Times-Italic", 8)
        c.drawCentredString(m + pw / 2, top - 40 * mm, "We the People of the United States ...")
    else:
        c.drawCentredString(m + pw / 2, top - 9 * mm, "OBSERVACIONES / OBSERVATIONS" if p.country != "PHL"
                            else "MGA PUNA / OBSERVATIONS")
        c.setFont("Helvetica", 5.5)
        c.drawCentredString(m + pw / 2, top - 14 * mm, "El titular de este pasaporte se encuentra bajo la protección"
                            if p.country != "PHL" else "The bearer is entitled to the assistance of Philippine")
        c.drawCentredString(m + pw / 2, top - 17 * mm, "de las autoridades del país emisor." if p.country != "PHL"
                            else "diplomatic and consular officers abroad.")
    c.setFont("Courier", 5)
    c.setFillColor(colors.HexColor("#9a9a9a"))
    c.drawRightString(m + pw - 3 * mm, m + ph + 3 * mm, "1")
    # fold
    c.setStrokeColor(colors.HexColor("#b8b3a8"))
    c.setLineWidth(0.8)
    c.line(m, m + ph, m + pw, m + ph)
    # lower data page
    c.setFillColor(colors.HexColor(cfg.tint))
    c.rect(m, m, pw, ph, stroke=0, fill=1)
    _guilloche(c, m, m, pw, ph, cfg.accent, p.number)
    x0, y0 = m, m
    # header
    c.setFillColor(colors.HexColor(cfg.accent))
    c.setFont("Helvetica-Bold", 7.5)
    hy = y0 + ph - 6 * mm
    for line in cfg.header:
        c.drawCentredString(x0 + pw * 0.56, hy, line)
        hy -= 3.2 * mm
    c.setFont("Helvetica-Bold", 6)
    c.drawString(x0 + 4 * mm, y0 + ph - 6 * mm, "PASAPORTE" if p.country in ("HND", "GTM") else
                 ("PASAPORTE" if p.country == "PHL" else "PASSPORT"))
    c.setFont("Helvetica", 5)
    c.drawString(x0 + 4 * mm, y0 + ph - 8.5 * mm, "PASSPORT" if p.country != "USA" else "PASSEPORT · PASAPORTE")
    # portrait
    px, py, pwid, phei = x0 + 4 * mm, y0 + 22 * mm, 29 * mm, 37 * mm
    _portrait(c, px, py, pwid, phei, p.number, child=p.child, female=p.sex == "F")
    c.setStrokeColor(colors.HexColor("#888888"))
    c.setLineWidth(0.3)
    c.rect(px, py, pwid, phei, stroke=1, fill=0)
    _portrait(c, x0 + 97 * mm, y0 + 15.5 * mm, 12 * mm, 15 * mm, p.number, child=p.child, ghost=True,
              female=p.sex == "F")
    # signature line under the portrait
    c.setFont("Helvetica", 3.8)
    c.setFillColor(colors.HexColor("#555555"))
    c.drawString(px, py - 3 * mm, {"USA": "", "PHL": "Lagda ng may-ari / Holder's signature"}.get(
        p.country, "Firma del titular / Holder's signature"))
    # fields
    L = cfg.labels
    fx = x0 + 37 * mm
    col2 = fx + 32 * mm
    col3 = fx + 56 * mm
    rows = [
        [("type", "P", fx), ("code", p.country, col2), ("number", p.number, col3)],
        [("surname", p.surname.upper(), fx)],
        [("given", p.given.upper(), fx)],
        *([[("middle", p.middle.upper(), fx)]] if p.middle and "middle" in L else []),
        [("nationality", cfg.nationality, fx)],
        [("dob", _fmt(p.dob, cfg.month_style), fx), ("sex", p.sex, col3)],
        [("pob", p.place_of_birth.upper(), fx)],
        [("issued", _fmt(p.issued, cfg.month_style), fx), ("authority", cfg.authority.split("\n")[0], col3)],
        [("expires", _fmt(p.expires, cfg.month_style), fx)],
    ]
    y = y0 + ph - 14.5 * mm
    step = 6.1 * mm if len(rows) <= 8 else 5.5 * mm
    for row in rows:
        for key, value, x in row:
            c.setFont("Helvetica", 4.2)
            c.setFillColor(colors.HexColor("#4a4a4a"))
            c.drawString(x, y, L[key])
            c.setFont("Helvetica-Bold", 7.4 if key not in ("surname", "given", "middle") else 8)
            c.setFillColor(colors.HexColor("#111111"))
            c.drawString(x, y - 3 * mm, value)
        y -= step
    # MRZ
    l1, l2 = mrz_lines(p)
    c.setFillColor(colors.white)
    c.setFillAlpha(0.6)
    c.rect(x0, y0, pw, 14 * mm, stroke=0, fill=1)
    c.setFillAlpha(1)
    c.setFillColor(colors.HexColor("#111111"))
    size = 8.9
    c.setFont("Courier-Bold", size)
    scale = (pw - 8 * mm) / c.stringWidth(l1, "Courier-Bold", size)
    for i, line in enumerate((l1, l2)):
        t = c.beginText()
        t.setTextOrigin(x0 + 4 * mm, y0 + 8.5 * mm - i * 5 * mm)
        t.setFont("Courier-Bold", size)
        t.setHorizScale(100 * scale)
        t.textLine(line)
        c.drawText(t)
    specimen_mark(c, px + pwid / 2, py + phei / 2, 9)


def booklet_size() -> tuple[float, float]:
    return (125 + 6) * mm, (88 * 2 + 6) * mm


def specimen_mark(c, cx: float, cy: float, size: float) -> None:
    """'SPECIMEN' across a portrait centred at (cx, cy), as printed on sample identity documents."""
    c.saveState()
    c.translate(cx, cy)
    c.rotate(35)
    c.setFillColor(colors.HexColor("#c03030"))
    c.setFillAlpha(0.55)
    c.setFont("Helvetica-Bold", size)
    c.drawCentredString(0, 0, "SPECIMEN")
    c.restoreState()
