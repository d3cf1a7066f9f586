"""The package layout follows the pipeline (docs/architecture.md): no import runs back up it."""

from __future__ import annotations

import ast

from .conftest import REPO

PKG = REPO / "packetgen"
# Stage of each top-level module or subpackage; a module may import only its own stage or earlier ones.
STAGE = {"__init__": 0, "__main__": 8, "errors": 0, "resources": 0, "layout": 0, "facts": 0, "wording": 0,
         "privacy": 1, "interrupts": 0, "scripts": 0, "case": 1, "forms": 2, "evidence": 2, "letter": 3, "packet": 4, "api": 5, "review": 6,
         "cli": 7}


def _stage(dotted: str) -> int | None:
    parts = dotted.split(".")
    if parts[0] != "packetgen" or len(parts) < 2:
        return 0 if parts == ["packetgen"] else None
    return STAGE.get(parts[1], 0)      # e.g. packetgen.__version__


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name, []


def test_no_import_runs_back_up_the_pipeline():
    back = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG)
        mine = STAGE[rel.parts[0].removesuffix(".py")]
        for line, module, names in _imports(path):
            targets = [module] if module != "packetgen" else [f"packetgen.{n}" for n in names]
            for t in targets:
                stage = _stage(t)
                if stage is not None and stage > mine:
                    back.append(f"{rel}:{line} imports {t}")
    assert not back, "imports that run back up the pipeline:\n" + "\n".join(back)


def test_every_module_has_a_stage():
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG)
        assert rel.parts[0].removesuffix(".py") in STAGE, f"{rel}: add its stage to STAGE and docs/architecture.md"
