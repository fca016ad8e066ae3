"""The Jinja2 environment's ``url`` gives what Django's ``reverse`` gives."""

from __future__ import annotations

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import translation

from sammanhang.jinja_env import SLUG_ROUTES, url


@pytest.mark.parametrize("name", sorted(SLUG_ROUTES))
@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("prefix", ["/", "/sammanhang/"])
def test_slug_routes_are_reversed_as_django_does(name, language, prefix):
    set_script_prefix(prefix)
    try:
        with translation.override(language):
            for slug in ["kvallsfika", "a-b_c-9", "KVALL"]:
                assert url(name, slug) == reverse(name, args=[slug])
    finally:
        clear_script_prefix()


def test_other_routes_and_arguments_go_to_reverse():
    assert url("directory:finder") == reverse("directory:finder")
    # Not a slug: reverse itself decides (and refuses, as it would in a template).
    with pytest.raises(Exception, match="Reverse"):
        url("directory:activity", "två ord")
