"""The finder's choice lists are kept per process and read again exactly when the database
says a term, municipality or district changed (``ChoicesVersion``, migration 0013)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.forms import BoundField
from django.urls import reverse
from django.utils import translation

from sammanhang.directory import selectors
from sammanhang.directory.forms import FinderForm
from sammanhang.directory.models import ChoicesVersion, District, Municipality, Taxonomy, Term

pytestmark = pytest.mark.django_db


def token() -> int:
    return ChoicesVersion.objects.get().token


def _new_term(code: str = "bagarklubb") -> Term:
    return Term.objects.create(
        taxonomy=Taxonomy.CATEGORY, code=code, name_sv="Bagarklubb", name_en="Baking club"
    )


WRITES = {
    "term created": lambda: _new_term(),
    "term renamed": lambda: Term.objects.filter(code="spel").update(name_sv="Sällskapsspel"),
    "term deleted": lambda: Term.objects.filter(code="spel").delete(),
    "terms created in bulk": lambda: Term.objects.bulk_create(
        [
            Term(taxonomy=Taxonomy.CATEGORY, code=f"bulk-{n}", name_sv="Bulk", name_en="Bulk")
            for n in range(3)
        ]
    ),
    "municipality renamed": lambda: Municipality.objects.update(name="Nytt namn"),
    "district created": lambda: District.objects.create(
        municipality=Municipality.objects.get(), code="ny", name="Ny stadsdel"
    ),
    "district deleted": lambda: District.objects.filter(code="norr").delete(),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_to_the_lists_changes_the_token(directory, write):
    District.objects.get_or_create(
        municipality=Municipality.objects.first(), code="norr", defaults={"name": "Norr"}
    )
    before = token()
    write()
    assert token() != before


def test_raw_sql_changes_the_token_too(directory):
    # Written by no model method at all: the database's own trigger sees it.
    before = token()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE directory_municipality SET name = name || ' kommun'")
    assert token() != before


def test_writes_elsewhere_keep_the_token(directory):
    before = token()
    place = directory["organisation"].places.first()
    place.name = "Nytt namn"
    place.save()
    assert token() == before


def test_the_lists_are_read_once_and_again_after_a_change(directory, django_assert_num_queries):
    first = selectors.finder_choices()
    with django_assert_num_queries(1):  # the token only
        again = selectors.finder_choices()
    assert again is first
    District.objects.create(municipality=Municipality.objects.get(), code="ny", name="Nyby")
    with django_assert_num_queries(4):  # the token, municipalities, districts, terms
        fresh = selectors.finder_choices()
    assert ("ny", "Nyby") in [(code, name) for _slug, code, name in fresh.districts]
    assert ("ny", "Nyby") not in [(code, name) for _slug, code, name in first.districts]


def test_the_finder_page_offers_a_new_category_at_once(client, directory):
    url = reverse("directory:finder")
    assert "Bagarklubb" not in _labels(client.get(url))
    _new_term()
    assert "Bagarklubb" in _labels(client.get(url))
    Term.objects.filter(code="bagarklubb").update(name_sv="Bakcirkel")
    labels = _labels(client.get(url))
    assert "Bakcirkel" in labels
    assert "Bagarklubb" not in labels


def test_a_new_category_is_a_valid_choice_at_once(client, directory):
    client.get(reverse("directory:finder"))  # the lists are kept
    _new_term()
    response = client.get(reverse("directory:finder"), {"category": "bagarklubb"})
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["category"] == ["bagarklubb"]


def _labels(response) -> list[str]:
    return [label for _code, label in response.context["form"].fields["category"].choices]


KEPT_CASES = [
    {},
    {"when": "today", "sort": "name", "distance": "5", "weekday": ["2", "6"]},
    {"q": 'fika <b>"', "age": "tio", "starts_after": "25:99", "free": "on", "lat": "56"},
    {"category": ["spel"], "target_group": ["alla"], "language": ["ar"], "age": "200"},
]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_kept_markup_is_what_rendering_gives(directory, language):
    """Each case twice (the second from what was kept), in both languages, after the others:
    every field's markup equals a fresh rendering of the same bound field."""
    with translation.override(language):
        for data in KEPT_CASES * 2:
            form = FinderForm(data or None)
            form.is_valid()
            for name in form.fields:
                assert form[name].as_field_group() == BoundField.as_field_group(form[name]), (
                    name,
                    data,
                )


def test_kept_markup_follows_new_choices(directory):
    form = FinderForm(None)
    assert "Bagarklubb" not in form["category"].as_field_group()
    _new_term()
    assert "Bagarklubb" in FinderForm(None)["category"].as_field_group()


def test_kept_markup_is_bounded_and_drops_the_oldest(directory, monkeypatch):
    from sammanhang.core import forms as core_forms

    monkeypatch.setattr(core_forms, "KEPT_MARKUP_MAX", 10)
    monkeypatch.setattr(core_forms, "_KEPT_MARKUP", {})
    for number in range(30):
        FinderForm({"q": f"ord {number}"})["q"].as_field_group()
    kept = core_forms._KEPT_MARKUP
    assert len(kept) == 10
    typed = {repr(f"ord {number}") for number in range(30)}
    kept_values = {part for key in kept for part in key if part in typed}
    assert kept_values == {repr(f"ord {number}") for number in range(20, 30)}
