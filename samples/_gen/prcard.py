"""A U.S. permanent resident card (front and back) drawn with reportlab, with a valid ICAO 9303 TD1 MRZ.

Fictional: the card carries 'SPECIMEN' across the portrait, like the passports, and its page the sample mark.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm

from .passport import MONTHS, _guilloche, _mrz_text, _portrait, check_digit, specimen_mark

CARD = (85.6 * mm, 54.0 * mm)          # ID-1 card size
GREEN = "#2f6b4a"


@dataclass
class ResidentCard:
    surname: str
    given: str
    uscis_no: str             # the A-number, as printed: '071-583-226'
    category: str
    country_of_birth: str
    dob: dt.date
    sex: str
    expires: dt.date
    resident_since: dt.date
    card_no: str              # the document number in the MRZ (9 characters)
    nationality: str          # ICAO code of the country of birth, for the MRZ


def _day(d: dt.date) -> str:
    return f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}"


def _mmddyy(d: dt.date) -> str:
    return d.strftime("%m/%d/%y")


def mrz_td1(p: ResidentCard) -> tuple[str, str, str]:
    """The three 30-character lines of a TD1 document (ICAO 9303 part 5)."""
    num = _mrz_text(p.card_no)[:9].ljust(9, "<")
    l1 = ("C1USA" + num + check_digit(num)).ljust(30, "<")
    dob, exp = p.dob.strftime("%y%m%d"), p.expires.strftime("%y%m%d")
    head = dob + check_digit(dob) + p.sex + exp + check_digit(exp) + p.nationality
    l2 = head.ljust(29, "<")
    composite = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    l2 += check_digit(composite)
    l3 = (_mrz_text(p.surname) + "<<" + _mrz_text(p.given))[:30].ljust(30, "<")
    return l1, l2, l3


def _frame(c, W, H, seed):
    c.setFillColor(colors.HexColor("#e8f1e9"))
    c.roundRect(0, 0, W, H, 3 * mm, stroke=0, fill=1)
    _guilloche(c, 0, 0, W, H, GREEN, seed)
    c.setStrokeColor(colors.HexColor("#9bb5a2"))
    c.setLineWidth(0.4)
    c.roundRect(0, 0, W, H, 3 * mm, stroke=1, fill=0)


def draw_front(c, W, H, p: ResidentCard) -> None:
    _frame(c, W, H, p.card_no)
    c.setFillColor(colors.HexColor(GREEN))
    c.setFont("Helvetica-Bold", 5.2)
    c.drawString(4 * mm, H - 5 * mm, "UNITED STATES OF AMERICA")
    c.setFont("Helvetica-Bold", 10.5)
    c.drawString(4 * mm, H - 10 * mm, "PERMANENT RESIDENT")
    # portrait
    px, py, pw, ph = 4 * mm, 7 * mm, 22 * mm, 28 * mm
    _portrait(c, px, py, pw, ph, p.card_no, female=p.sex == "F")
    c.setStrokeColor(colors.HexColor("#777777"))
    c.setLineWidth(0.3)
    c.rect(px, py, pw, ph, stroke=1, fill=0)
    _portrait(c, W - 14 * mm, 5 * mm, 9 * mm, 11.5 * mm, p.card_no, ghost=True, female=p.sex == "F")
    # fields
    x, x2 = 29 * mm, 58 * mm
    rows = [[("Surname", p.surname.upper(), x)], [("Given Name", p.given.upper(), x)],
            [("USCIS#", p.uscis_no, x), ("Category", p.category, x2)],
            [("Country of Birth", p.country_of_birth, x)],
            [("Date of Birth", _day(p.dob), x), ("Sex", p.sex, x2)],
            [("Card Expires", _mmddyy(p.expires), x), ("Resident Since", _mmddyy(p.resident_since), x2)]]
    y = H - 15 * mm
    for row in rows:
        for label, value, xx in row:
            c.setFont("Helvetica", 3.6)
            c.setFillColor(colors.HexColor("#3d4a42"))
            c.drawString(xx, y, label)
            c.setFont("Helvetica-Bold", 6.2)
            c.setFillColor(colors.HexColor("#111111"))
            c.drawString(xx, y - 2.6 * mm, value)
        y -= 6.0 * mm
    specimen_mark(c, px + pw / 2, py + ph / 2, 7)      # as on the sample passports


def draw_back(c, W, H, p: ResidentCard) -> None:
    _frame(c, W, H, p.card_no + "b")
    # the optical stripe and a 2-D code area, as plain shapes
    c.setFillColor(colors.HexColor("#c9d6cc"))
    c.rect(4 * mm, H - 22 * mm, W - 8 * mm, 14 * mm, stroke=0, fill=1)
    c.setFillColor(colors.HexColor("#55665a"))
    c.setFont("Helvetica", 3.8)
    c.drawString(5 * mm, H - 5.5 * mm, "This card is evidence of permanent resident status in the United States.")
    c.drawString(5 * mm, H - 25.5 * mm, "If found, drop in any U.S. mailbox.")
    # MRZ
    c.setFillColor(colors.white)
    c.setFillAlpha(0.7)
    c.rect(0, 1.5 * mm, W, 15 * mm, stroke=0, fill=1)
    c.setFillAlpha(1)
    c.setFillColor(colors.HexColor("#111111"))
    size = 7.6
    for i, line in enumerate(mrz_td1(p)):
        t = c.beginText()
        t.setTextOrigin(4 * mm, 12.5 * mm - i * 4.2 * mm)
        t.setFont("Courier-Bold", size)
        t.setHorizScale(100 * (W - 11 * mm) / c.stringWidth(line, "Courier-Bold", size))
        t.textLine(line)
        c.drawText(t)
