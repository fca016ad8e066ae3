"""The finder tests' small directory, shared so feeds, downloads, the HSDS serialiser and
imports are tested on the same data as the finder."""

from sammanhang.directory.tests.conftest import directory, make_activity, term

__all__ = ["directory", "make_activity", "term"]
