"""Optional content (layers) resolved as a viewer shows a file by default (``docs/evidence.md``, "Sanitizing")."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name


class _OptionalContent:
    """Resolve optional content (layers) statically, as a viewer shows the file by default.

    The packet keeps no /OCProperties (only pages are copied), so without this a layer its
    author switched off (a hidden draft stamp, an alternative language) would become visible.
    Hidden Form/Image XObjects (``/OC``) are emptied and hidden ``/OC ... BDC ... EMC``
    sections are cut from the content streams that contain them.  Files whose layers are all
    on (the usual case) are not touched.
    """

    def __init__(self, src: pikepdf.Pdf):
        self.src = src
        self.hidden: set[tuple[int, int]] = set()
        self.cache: dict[tuple[int, int], bool] = {}
        ocp = src.Root.get("/OCProperties")
        if not isinstance(ocp, Dictionary) or not isinstance(ocp.get("/D"), Dictionary):
            return
        d = ocp.D

        def refs(arr) -> set:
            return {g.objgen for g in arr if isinstance(g, Dictionary) and g.is_indirect} \
                if isinstance(arr, Array) else set()
        if d.get("/BaseState") == Name.OFF:
            self.hidden = refs(ocp.get("/OCGs")) - refs(d.get("/ON"))
        else:
            self.hidden = refs(d.get("/OFF"))

    def visible(self, oc, depth: int = 0) -> bool:
        if not isinstance(oc, Dictionary) or depth > 32:
            return True
        key = oc.objgen if oc.is_indirect else None
        if key is not None and key in self.cache:
            return self.cache[key]
        if oc.get("/Type") == Name.OCMD or "/OCGs" in oc or "/VE" in oc:
            ve = oc.get("/VE")
            if isinstance(ve, Array):
                result = self._expression(ve, depth)
            else:
                groups = oc.get("/OCGs")
                groups = [groups] if isinstance(groups, Dictionary) else list(groups or [])
                states = [self.visible(g, depth + 1) for g in groups if isinstance(g, Dictionary)]
                policy = str(oc.get("/P", "/AnyOn"))
                if not states:
                    result = True
                elif policy == "/AllOn":
                    result = all(states)
                elif policy == "/AnyOff":
                    result = not all(states)
                elif policy == "/AllOff":
                    result = not any(states)
                else:
                    result = any(states)
        else:
            result = key not in self.hidden
        if key is not None:
            self.cache[key] = result
        return result

    def _expression(self, ve, depth: int) -> bool:
        if isinstance(ve, Dictionary):
            return self.visible(ve, depth + 1)
        if not isinstance(ve, Array) or not len(ve) or depth > 32:
            return True
        op, args = str(ve[0]), [self._expression(a, depth + 1) for a in list(ve)[1:]]
        if op == "/Not":
            return not args[0] if args else True
        if op == "/And":
            return all(args)
        if op == "/Or":
            return any(args)
        return True

    def apply(self, pages) -> None:
        if not self.hidden:
            return
        seen: set = set()
        for page in pages:
            res = page.obj.get("/Resources")
            if self._hides_marked_content(res):
                page.obj.Contents = self.src.make_stream(self._strip(page, res))
            self._xobjects(res, seen, 0)

    def _xobjects(self, res, seen: set, depth: int) -> None:
        if not isinstance(res, Dictionary) or depth > 16:
            return
        xobjs = res.get("/XObject")
        if not isinstance(xobjs, Dictionary):
            return
        for _, xo in xobjs.items():
            if not isinstance(xo, pikepdf.Stream) or xo.objgen in seen:
                continue
            seen.add(xo.objgen)
            if "/OC" in xo and not self.visible(xo.OC):
                # hidden wherever it is painted: make it an empty form
                xo.write(b"")
                for key in list(xo.keys()):
                    if key not in ("/Length", "/Type"):
                        del xo[key]
                xo.Type, xo.Subtype, xo.BBox = Name.XObject, Name.Form, Array([0, 0, 0, 0])
                continue
            if xo.get("/Subtype") == Name.Form:
                inner = xo.get("/Resources")
                if self._hides_marked_content(inner):
                    xo.write(self._strip(xo, inner))
                self._xobjects(inner, seen, depth + 1)

    def _hides_marked_content(self, res) -> bool:
        props = res.get("/Properties") if isinstance(res, Dictionary) else None
        return isinstance(props, Dictionary) and any(not self.visible(v) for _, v in props.items())

    def _strip(self, target, res) -> bytes:
        props = res.get("/Properties")
        out, skip = [], 0
        for ins in pikepdf.parse_content_stream(target):
            op = str(ins.operator) if isinstance(ins, pikepdf.ContentStreamInstruction) else "INLINE IMAGE"
            if skip:
                if op in ("BDC", "BMC"):
                    skip += 1
                elif op == "EMC":
                    skip -= 1
                continue
            if op == "BDC" and len(ins.operands) == 2 and ins.operands[0] == Name.OC:
                prop = ins.operands[1]
                if isinstance(prop, Name) and isinstance(props, Dictionary):
                    prop = props.get(str(prop))
                if not self.visible(prop):
                    skip = 1
                    continue
            out.append(ins)
        return pikepdf.unparse_content_stream(out)

