"""The finder tests' small directory, shared so the HSDS serialiser and importer are tested
on the same data."""

from sammanhang.directory.tests.conftest import directory, make_activity, term

__all__ = ["directory", "make_activity", "term"]
