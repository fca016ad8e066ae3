"""The finder tests' small directory, shared so the HSDS serialiser is tested on the same data
and imports land next to existing data."""

from sammanhang.directory.tests.conftest import directory, make_activity, term

__all__ = ["directory", "make_activity", "term"]
