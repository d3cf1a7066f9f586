"""Link annotations re-targeted onto the normalized pages (``docs/evidence.md``, "Sanitizing").

A mixin of :class:`packetgen.evidence.pdf._PdfNormalizer`.
"""

from __future__ import annotations

import math
import re
from typing import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name

from packetgen.evidence.common import _apply, _num, _plain, _rect

_SAFE_URI = re.compile(r"^(https?|mailto):", re.IGNORECASE)


class _Links:
    crops: list[tuple[float, float, float, float]]
    links_dropped: dict[str, int]
    keep_links: bool
    external_removed: int

    # -- links --------------------------------------------------------------------
    def _add_links(self, src, out, pages, new_pages, placements, links) -> None:
        index = {p.obj.objgen: i for i, p in enumerate(pages)}
        named = self._named_dests(src)
        for i, page_links in enumerate(links):
            if not page_links:
                continue
            annots = Array()
            for a in page_links:
                new = self._convert_link(a, placements[i], new_pages[i], index, named, pages, new_pages,
                                         placements)
                if new is not None:
                    annots.append(out.make_indirect(new))
            if len(annots):
                new_pages[i].Annots = annots

    @staticmethod
    def _named_dests(src) -> Callable[[object], object]:
        root = src.Root
        tree = None
        names = root.get("/Names")
        if isinstance(names, Dictionary) and isinstance(names.get("/Dests"), Dictionary):
            try:
                tree = pikepdf.NameTree(names.Dests)
            except Exception:
                tree = None
        old = root.get("/Dests")

        def lookup(key):
            val = None
            k = str(key)
            if tree is not None:
                try:
                    if k in tree:
                        val = tree[k]
                except Exception:
                    val = None
            if val is None and isinstance(old, Dictionary):
                nk = k if k.startswith("/") else "/" + k
                val = old.get(nk)
            if isinstance(val, Dictionary):
                val = val.get("/D")
            return val
        return lookup

    def _convert_link(self, a, m, new_page, index, named, pages, new_pages, placements):
        rect = _rect(a.get("/Rect"))
        if rect is None:
            return None
        xs, ys = zip(*(_apply(m, x, y) for x in (rect[0], rect[2]) for y in (rect[1], rect[3])))
        new = Dictionary(Type=Name.Annot, Subtype=Name.Link,
                         Rect=Array([round(min(xs), 3), round(min(ys), 3), round(max(xs), 3), round(max(ys), 3)]),
                         P=new_page)
        for key in ("/Border", "/C", "/H", "/F"):
            val = a.get(key)
            val = _plain(val)
            if val is not None:
                new[key] = val
        bs = a.get("/BS")
        if isinstance(bs, Dictionary):
            new.BS = Dictionary({k: v for k, v in bs.items()
                                 if k in ("/W", "/S") and not isinstance(v, (Dictionary, Array))})
        qp = a.get("/QuadPoints")
        if isinstance(qp, Array) and len(qp) % 8 == 0 and len(qp) > 0:
            try:
                vals = [float(v) for v in qp]
                pts = [_apply(m, vals[j], vals[j + 1]) for j in range(0, len(vals), 2)]
                new.QuadPoints = Array([round(c, 3) for p in pts for c in p])
            except (TypeError, ValueError):
                pass
        action = a.get("/A")
        dest = a.get("/Dest")
        if isinstance(action, Dictionary):
            s = str(action.get("/S", ""))
            if s == "/URI":
                uri = action.get("/URI")
                try:
                    uri_text = bytes(uri).decode("latin-1") if uri is not None else ""
                except Exception:
                    uri_text = str(uri)
                if not _SAFE_URI.match(uri_text.strip()):
                    self.links_dropped["unsafe web"] = self.links_dropped.get("unsafe web", 0) + 1
                    return None
                if not self.keep_links:      # external links are removed unless asked for (docs/evidence.md)
                    self.external_removed += 1
                    return None
                new.A = Dictionary(S=Name.URI, URI=pikepdf.String(uri_text.strip()))
                return new
            if s == "/GoTo":
                dest = action.get("/D")
            else:
                # Launch/JavaScript links are already reported as active content
                if s not in ("/Launch", "/JavaScript"):
                    kind = "to other files" if s in ("/GoToR", "/GoToE") else "with other actions"
                    self.links_dropped[kind] = self.links_dropped.get(kind, 0) + 1
                return None
        if dest is None:
            return None
        target = self._resolve_dest(dest, named, index, pages, new_pages, placements)
        if target is None:
            self.links_dropped["to missing destinations"] = self.links_dropped.get("to missing destinations", 0) + 1
            return None
        new.Dest = target
        return new

    def _resolve_dest(self, dest, named, index, pages, new_pages, placements):
        for _ in range(4):
            if isinstance(dest, (pikepdf.String, Name)) or isinstance(dest, str):
                dest = named(dest)
            elif isinstance(dest, Dictionary):
                dest = dest.get("/D")
            else:
                break
        if not isinstance(dest, Array) or len(dest) < 1:
            return None
        ref = dest[0]
        if isinstance(ref, Dictionary) and ref.is_indirect:
            i = index.get(ref.objgen)
        elif isinstance(ref, int) and not isinstance(ref, bool):
            i = int(ref) if 0 <= int(ref) < len(pages) else None
        else:
            i = None
        if i is None:
            return None
        kind = str(dest[1]) if len(dest) > 1 else "/Fit"
        args = [_num(v, float("nan")) if v is not None else float("nan") for v in list(dest)[2:6]]
        crop = self.crops[i]
        m = placements[i]
        left = top = None
        if kind == "/XYZ":
            left, top = (args + [float("nan")] * 2)[:2]
        elif kind in ("/FitH", "/FitBH"):
            top = (args + [float("nan")])[0]
        elif kind in ("/FitV", "/FitBV"):
            left = (args + [float("nan")])[0]
        elif kind == "/FitR" and len(args) >= 4:
            left, top = args[0], args[3]
        else:
            return Array([new_pages[i], Name.Fit])
        x = left if left is not None and math.isfinite(left) else crop[0]
        y = top if top is not None and math.isfinite(top) else crop[3]
        nx, ny = _apply(m, x, y)
        return Array([new_pages[i], Name.XYZ, round(nx, 3), round(ny, 3), None])
