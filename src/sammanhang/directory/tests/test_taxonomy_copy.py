"""The taxonomy files the package ships are the project's shared ones, unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from sammanhang.directory.taxonomy import DATA_DIR, FILES

SHARED = Path(__file__).resolve().parents[5] / "shared" / "taxonomy"


@pytest.mark.parametrize("name", sorted(FILES.values()))
def test_shipped_taxonomy_equals_shared(name):
    if not SHARED.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert (DATA_DIR / name).read_bytes() == (SHARED / name).read_bytes()
