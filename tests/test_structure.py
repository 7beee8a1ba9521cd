"""The shape of the code: each module imports only from its own stage or an earlier one."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# Stages in the order data flows; a module may import only from its own or an earlier one.
STAGES = [
    {"vocabulary", "problems", "cli_text", "history", "cache", "parallel"},  # words and tools every stage shares
    {"load", "model"},  # files to positioned values; the schema
    {"validate", "schema", "numbers"},  # the typed record; units and totals
    {"views"},  # what templates see
    {"case", "changes", "markdown", "themes", "fonts", "card"},  # the case for one audience; what changed;
    # Markdown; themes and their fonts; the social card
    {"lint", "jsonresume", "render", "reference"},  # advice; JSON Resume out; pages as bytes; the template
    # reference
    {"dossier", "pdf", "write"},  # the dossier and its PDF; the one writer
    {"pipeline", "scaffold", "starter", "jsonresume_import"},  # the spine; new, init and import
    {"serve"},
    {"cli", "__main__"},
]
RANK = {name: rank for rank, names in enumerate(STAGES) for name in names}


def generator_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.ImportFrom) and node.module == "generator":
            found.update(alias.name for alias in node.names if (PACKAGE / f"{alias.name}.py").exists())
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names if alias.name.startswith("generator."))
    return found


def test_every_module_has_a_stage():
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__"}
    assert modules - set(RANK) == set(), "add the new module to STAGES"


def test_no_module_imports_from_a_later_stage():
    upward = []
    for path in sorted(PACKAGE.glob("*.py")):
        if path.stem == "__init__":
            continue
        for imported in generator_imports(path):
            if RANK[imported] > RANK[path.stem]:
                upward.append(f"{path.stem} (stage {RANK[path.stem]}) imports {imported} (stage {RANK[imported]})")
    assert upward == []
