"""Relevance of the Swedish search on the demo municipality: what a resident types, and the
activities that must come first.

Each case names the slugs that must fill the top places (in any order among themselves), and
optionally slugs that must not appear at all (drafts, ended and cancelled series). All cases
run against one load of the demo and every failure is reported, so a change to the ranking
shows its whole effect at once. Runs on SQLite (FTS5) and PostgreSQL (tsvector).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db.models import QuerySet

from sammanhang.directory import search
from sammanhang.directory.selectors import FinderCriteria, activity_list_for_finder
from sammanhang.web.demo.loader import demo_load

DEMO_TODAY = date(2026, 11, 23)
NOW = datetime.combine(DEMO_TODAY, time(12), tzinfo=ZoneInfo("Europe/Stockholm"))

# (query, slugs that must be the first results, slugs that must be absent)
CASES: list[tuple[str, set[str], set[str]]] = [
    # Inflections and stemming
    ("träffpunkt", {"traffpunkt-tagaborg-oppen", "motesplats-drottninghog-oppen"}, set()),
    ("träffpunkterna", {"traffpunkt-tagaborg-oppen", "motesplats-drottninghog-oppen"}, set()),
    ("läxor", {"eftermiddagsskolan", "laxhjalp-drottninghog"}, set()),
    ("promenera", {"naturgruppen-palsjo", "seniorpromenad-fredriksdal"}, set()),
    ("anhöriga", {"anhoriggrupp-online"}, set()),
    ("seniorer", {"traffpunkt-tagaborg-oppen", "seniorpromenad-fredriksdal"}, set()),
    ("sjunga", {"kor-for-alla"}, set()),
    # Compounds: the word as the last part, and as the first
    ("fotboll", {"kvallsfotboll-planteringen"}, set()),
    ("innebandy", {"sondagsinnebandy-odakra", "anpassad-innebandy"}, set()),
    (
        "promenad",
        {"naturgruppen-palsjo", "seniorpromenad-fredriksdal", "lordagspromenad-raa"},
        set(),
    ),
    ("gympa", {"sittgympa-husensjo"}, set()),
    (
        "volontär",
        {"tradgardsvolontar-fredriksdal", "fritidsbanken-volontar", "idrottsvolontar-verdandi"},
        set(),
    ),
    ("middag", {"fontanhuset-torsdagskvall", "sondagsmiddag-verdandi"}, set()),
    ("arbetsträning", {"gron-arbetstraning"}, set()),
    ("kvällsfika", {"kvallsklubben-lss", "kvallsoppet-verdandi"}, set()),
    ("innebandyträning", {"anpassad-innebandy"}, set()),
    # Synonyms from the shipped list
    ("npf", {"lugna-kvallen", "vuxentraff-attention", "foraldratraff-attention"}, set()),
    ("autism", {"lugna-kvallen", "vuxentraff-attention", "foraldratraff-attention"}, set()),
    ("adhd", {"lugna-kvallen", "vuxentraff-attention", "foraldratraff-attention"}, set()),
    ("kör", {"kor-for-alla"}, set()),
    ("sång", {"kor-for-alla"}, set()),
    ("gym", {"traning-barn-och-foraldrar"}, set()),
    ("pensionär", {"traffpunkt-tagaborg-oppen"}, set()),
    ("läxhjälp", {"eftermiddagsskolan", "laxhjalp-drottninghog"}, set()),
    # Exact topics
    ("bank-id", {"digitalhjalp-stadsbiblioteket", "mobil-och-surfplatta-seniorer"}, set()),
    ("surfplatta", {"mobil-och-surfplatta-seniorer"}, set()),
    ("skog", {"naturgruppen-palsjo"}, set()),
    ("disco", {"disco-andra-fredagen"}, set()),
    ("dans", {"disco-andra-fredagen"}, set()),
    ("språkcafé", {"sprakcafe"}, set()),
    ("svenska", {"sprakcafe", "kvinnocafe-drottninghog"}, set()),
    ("skridskor", {"fritidsbanken-utlaning"}, set()),
    ("låna", {"fritidsbanken-utlaning"}, set()),
    ("teckna", {"kvallsatelje-dunkers", "skapande-grupp-drottninghog"}, set()),
    ("bokcirkel", {"lattlast-bokcirkel"}, set()),
    ("nykter", {"samtalsgrupp-ria"}, set()),
    ("hemlös", {"frukost-ria", "varmestugan-kvall"}, set()),
    ("dusch", {"varmestugan-kvall"}, set()),
    ("frukost", {"frukost-ria"}, set()),
    ("söndagsmiddag", {"sondagsmiddag-verdandi"}, set()),
    ("sittgympa", {"sittgympa-husensjo"}, set()),
    ("dari", {"foraldragrupp-dari"}, set()),
    ("persiska", {"foraldragrupp-dari"}, set()),
    ("pingis", {"fritidsgarden-dalhem-kvall"}, set()),
    ("spelkväll", {"spelkvall-odakra"}, set()),
    # Several words: all must match; more of them in the title ranks first
    ("brev myndigheter", {"hjalp-med-myndighetsbrev"}, set()),
    ("fika autism", {"vuxentraff-attention"}, set()),
    ("innebandy npf", {"anpassad-innebandy"}, {"sondagsinnebandy-odakra"}),
    ("promenad seniorer", {"seniorpromenad-fredriksdal"}, {"naturgruppen-palsjo"}),
    ("läxhjälp drottninghög", {"laxhjalp-drottninghog"}, set()),
    ("matlagning familj", {"familjematlagning"}, set()),
    ("gratis frukost", {"frukost-ria"}, set()),
    # Organisations and places
    (
        "Fontänhuset",
        {
            "fontanhuset-arbetsinriktad-dag",
            "fontanhuset-torsdagskvall",
            "fontanhuset-forsta-lordagen",
            "oppet-hus-fontanhuset",
        },
        set(),
    ),
    (
        "Verdandi",
        {"kvallsoppet-verdandi", "sondagsmiddag-verdandi", "idrottsvolontar-verdandi"},
        set(),
    ),
    # Never drafts, ended or cancelled series
    ("boule", set(), {"boule-raa"}),
    ("stickcafé", set(), {"stickcafe-raa"}),
    ("sommarläger", set(), {"sommarlager-npf"}),
    ("jobb", {"jobb-forst"}, {"jobb-pa-sikt"}),
]

# A misspelling finds what the right spelling finds (corrected, or as a prefix).
MISSPELLINGS = [
    ("mattlagning", "matlagning"),
    ("surfplata", "surfplatta"),
    ("sittgymppa", "sittgympa"),
]


def ranked(text: str) -> list[str]:
    criteria = FinderCriteria(text=text, now=NOW)
    return [a.slug for a in activity_list_for_finder(criteria)]


def test_relevance_on_the_demo_municipality(db: None) -> None:
    demo_load(today=DEMO_TODAY)
    assert len(CASES) >= 40
    failures = []
    for text, first, absent in CASES:
        found = ranked(text)
        top = set(found[: len(first)])
        if top != first or absent & set(found):
            failures.append(
                f"{text!r}: expected first {sorted(first)}, none of "
                f"{sorted(absent)}; got {found[:6]}"
            )
    for typo, right in MISSPELLINGS:
        # Found by correction or by prefix; either way the same activities, and some.
        if not ranked(right) or ranked(typo) != ranked(right):
            failures.append(f"{typo!r} finds {ranked(typo)[:4]}, {right!r} {ranked(right)[:4]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("compound", "parts"),
    [("kvällsfika", "kväll fika"), ("fotbollsträning", "fotboll träning")],
)
def test_unseen_compound_is_searched_as_its_parts(db: None, compound: str, parts: str) -> None:
    demo_load(today=DEMO_TODAY)
    assert search.parse_query(compound).corrections == {compound: (parts,)}


def test_ranks_from_own_rows_equal_the_databases_tiers(db: None) -> None:
    """``search.ranks`` tests each activity's own text (SQLite: the FTS5 expression matched on
    the row's stems in Python; PostgreSQL: ``ts_filter``); it must give what the tier sets
    built by the database's own index give, for every query and every demo activity."""
    from sammanhang.directory.models import Activity

    demo_load(today=DEMO_TODAY)
    ids = list(Activity.objects.values_list("pk", flat=True))
    texts = [text for text, _first, _absent in CASES]
    texts += ["kvällsfika npf", "café unga", "fik", "ös", "bank id", "x_y fika"]
    differing, seen = [], set()
    for text in texts:
        query = search.parse_query(text)
        annotated: QuerySet[Any] = Activity.objects.filter(pk__in=ids).annotate(
            **search.rank_annotations(query)
        )
        expected = {
            pk: (tier, hits)
            for pk, tier, hits in annotated.values_list("pk", "search_tier", "title_hits")
        }
        got = search.ranks(ids, query)
        seen |= set(expected.values())
        differing += [(text, pk, got[pk], want) for pk, want in expected.items() if got[pk] != want]
    assert not differing, differing[:10]
    # Every tier, and title hits, were there to be told apart.
    assert {tier for tier, _hits in seen} == {1, 2, 3, 4}
    assert {hits for _tier, hits in seen} >= {0, 1, 2}
