"""The catalog of broken records: each case is files written over the base record, as data.

A case in `fixtures/invalid/catalog.yaml` names files relative to the record: a string is
the file's text, written as given; null removes the file; `{base64: …}` is bytes;
`{repeat: TEXT, times: N, close: …, before: …, after: …}` is TEXT written N times
(then `close` N times) between the two; `{symlink: TARGET}` is a symbolic link
(TARGET relative to the record, or absolute); `{folder: true}` is an empty folder.
"""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = FIXTURES / "base"
CATALOG = FIXTURES / "invalid" / "catalog.yaml"


def load_catalog() -> list[dict]:
    return yaml.safe_load(CATALOG.read_text(encoding="utf-8"))


def apply_case(record: Path, files: dict) -> None:
    """Write a case's files over a copy of the base record."""
    for relative, value in files.items():
        path = record / relative
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir() and value is not None and not (isinstance(value, dict) and value.get("folder")):
            shutil.rmtree(path)
        if value is None:
            if path.is_dir():
                shutil.rmtree(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, str):
            path.write_bytes(value.encode("utf-8"))
        elif "base64" in value:
            path.write_bytes(base64.b64decode(value["base64"]))
        elif "repeat" in value:
            text = (value.get("before", "") + value["repeat"] * value["times"]
                    + value.get("close", "") * value["times"] + value.get("after", ""))
            path.write_bytes(text.encode("utf-8"))
        elif "symlink" in value:
            target = Path(value["symlink"])
            path.symlink_to(target if target.is_absolute() else record / target)
        elif value.get("folder"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            raise ValueError(f"unknown file value for {relative}: {value}")


def make_case(root: Path, case: dict) -> Path:
    record = root / "record"
    shutil.copytree(BASE, record, symlinks=True)
    apply_case(record, case.get("files", {}))
    return record
