"""Text the form font can show: WinAnsi (cp1252) checks and the transliteration tables."""

from __future__ import annotations

import unicodedata

_CYRILLIC = dict(zip(
    "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюяІіЇїЄєҐґЎў",
    ["A", "B", "V", "G", "D", "E", "E", "Zh", "Z", "I", "Y", "K", "L", "M", "N", "O", "P", "R", "S", "T", "U",
     "F", "Kh", "Ts", "Ch", "Sh", "Shch", "", "Y", "", "E", "Yu", "Ya",
     "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
     "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
     "I", "i", "Yi", "yi", "Ye", "ye", "G", "g", "U", "u"]))
_GREEK = dict(zip(
    "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρσςτυφχψω",
    ["A", "V", "G", "D", "E", "Z", "I", "Th", "I", "K", "L", "M", "N", "X", "O", "P", "R", "S", "T", "Y", "F",
     "Ch", "Ps", "O", "a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s",
     "s", "t", "y", "f", "ch", "ps", "o"]))
_OTHER = {"ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ł": "L", "ł": "l",
          "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th", "\u00a0": " ",
          "\u2010": "-", "\u2011": "-", "\u2212": "-", "\u2032": "'", "\u2033": '"'}


def encodable(ch: str, encoding: str = "cp1252") -> bool:
    try:
        ch.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


def to_form_charset(text: str, encoding: str = "cp1252") -> tuple[str, list[str]]:
    """Make ``text`` showable in the form's WinAnsi font; return it and the characters replaced.

    Characters in WinAnsi (é, ñ, ü, —, “”) stay; others are transliterated
    (NFKD without accents, Cyrillic and Greek tables); what cannot be
    transliterated becomes '?'.  Each replacement is listed so the caller can warn.
    """
    out = []
    replaced = []
    for ch in text:
        if ch in "\n\t" or encodable(ch, encoding) and (ch >= " " or ch in "\n"):
            out.append(ch if ch != "\t" else " ")
            continue
        if ch < " ":
            continue  # control characters are dropped (never shown by any font)
        rep = _CYRILLIC.get(ch) or _GREEK.get(ch) or _OTHER.get(ch)
        if rep is None:
            decomposed = unicodedata.normalize("NFKD", ch)
            base = "".join(c for c in decomposed if not unicodedata.combining(c))
            rep = base if base and all(encodable(c, encoding) for c in base) else None
        if rep is None:
            g = unicodedata.normalize("NFKD", ch)
            g = _GREEK.get(g[:1]) or _CYRILLIC.get(g[:1])
            rep = g
        if rep is None:
            rep = "?"
        replaced.append(f"{ch}→{rep or '(nothing)'}")
        out.append(rep)
    return "".join(out), replaced
