"""Swedish is the default language: every UI string must have a Swedish translation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

import sammanhang

PACKAGE = Path(sammanhang.__file__).parent
CATALOGUE = PACKAGE / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def test_committed_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(CATALOGUE))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == []
    mo = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in mo}
    for entry in po.translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == (
            entry.msgstr or entry.msgstr_plural
        ), f"django.mo is stale for {entry.msgid!r}: run make messages and compilemessages"


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh (as ``make messages`` does) and compare with the catalogue."""
    copy = tmp_path / "sammanhang"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "sv", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "sv" / "LC_MESSAGES" / "django.po"))
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOGUE)).translated_entries()}
    untranslated = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in committed)
    assert untranslated == [], "run `make messages` and translate these"
