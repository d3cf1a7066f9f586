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


# Typography the WinAnsi font lacks but that has an exact stand-in (not letters: replacing them changes no name)
_TYPOGRAPHIC = {"\u00a0": " ", "\u2010": "-", "\u2011": "-", "\u2212": "-", "\u2032": "'", "\u2033": '"',
                "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u2007": " "}


def showable(text: str, encoding: str = "cp1252") -> tuple[str, list[str]]:
    """(text the form font shows, characters it cannot show).

    NFC first (decomposed accents become the composed letters WinAnsi has), exact typographic
    stand-ins (no-break space, Unicode hyphens and primes) replaced; every other character outside
    WinAnsi is reported, never transliterated or replaced by '?': a name must come from the passport.
    """
    text = unicodedata.normalize("NFC", text)
    out, bad = [], []
    for ch in text:
        if ch in "\n":
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif ch < " ":
            continue
        elif ch in _TYPOGRAPHIC:
            out.append(_TYPOGRAPHIC[ch])
        elif unicodedata.category(ch) == "Cf" and not encodable(ch, encoding):
            continue            # invisible format characters (zero-width joiner, word joiner...) print as nothing
        elif encodable(ch, encoding):
            out.append(ch)
        else:
            bad.append(ch)
    return "".join(out), bad


def latin_suggestion(text: str) -> "str | None":
    """A transliteration to suggest (Cyrillic, Greek, Latin letters with marks), or None when there is none.

    Only ever shown in a fix ('passport spelling? e.g. Kovaleva'); never written on a form.
    """
    shown, replaced = to_form_charset(unicodedata.normalize("NFC", text))
    if "?" in shown and "?" not in text:
        return None
    return shown if replaced else None


def script_names(chars) -> str:
    """'Cyrillic', 'Han and Hangul'... for a message, from the Unicode names of the characters."""
    names = []
    for ch in chars:
        try:
            word = unicodedata.name(ch).split(" ")[0]
        except ValueError:
            word = f"U+{ord(ch):04X}"
        word = {"CJK": "Chinese (Han)", "HANGUL": "Korean (Hangul)", "ETHIOPIC": "Ethiopic (Amharic)",
                "LATIN": "Latin letters outside the form's character set"}.get(word, word.title())
        if word not in names:
            names.append(word)
    return " and ".join(names[:3])
