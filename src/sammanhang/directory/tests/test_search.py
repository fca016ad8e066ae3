"""Swedish search: stems, compounds, synonyms, misspellings, tiers and the index kept in step.

Runs on SQLite (FTS5 + Snowball in Python) and PostgreSQL (tsvector 'swedish' + pg_trgm); the
same expectations hold on both.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from sammanhang.directory import search, services
from sammanhang.directory.models import Activity, ActivitySearch, Occurrence, SearchWord
from sammanhang.directory.tests.conftest import make_activity


@pytest.fixture
def library(directory):
    """Activities whose texts differ in exactly what the search looks at."""
    organisation = directory["organisation"]
    place = directory["places"]["soder"]
    made = {}
    for slug, title, summary, description, days in [
        ("fotbollstraning", "Fotbollsträning för unga", "Spela boll på konstgräs", "", 3),
        ("traffpunkt", "Träffpunkt Söder", "En öppen mötesplats", "Kom som du är", 5),
        ("matlag", "Matlagningsgrupp", "Vi lagar mat ihop", "", 1),
        ("korsang", "Körsång på torsdagar", "Sjung med oss", "", 2),
        ("styrka", "Styrketräning", "Träna på gym med handledare", "", 4),
        ("npf-fika", "Fika för dig med autism", "Lugnt fika", "Anpassat för autism och adhd", 6),
        ("spelkvall", "Spelkväll", "Brädspel och kortspel", "Ibland spelar vi fotboll", 0),
    ]:
        start = timezone.localdate() + timedelta(days=days)
        made[slug] = make_activity(
            organisation,
            slug,
            place=place,
            title=title,
            summary=summary,
            description=description,
            freq="ONCE",
            valid_from=start,
            opens=18,
            closes=20,
        )
    return made


LIBRARY = {"fotbollstraning", "traffpunkt", "matlag", "korsang", "styrka", "npf-fika", "spelkvall"}


def found(text: str, within: set[str] = LIBRARY | {"padel"}) -> list[str]:
    """The slugs matching ``text``, best tier first; only the activities made in this module."""
    query = search.parse_query(text)
    activities = search.filter_and_rank(Activity.objects.filter(slug__in=within), query)
    ranked = activities.order_by("-search_tier", "slug")  # type: ignore[misc]
    return list(ranked.values_list("slug", flat=True))


def test_plural_definite_form_finds_the_base_word(library):
    assert found("träffpunkterna") == ["traffpunkt"]


def test_first_part_of_a_compound_finds_the_compound(library):
    assert found("matlagning") == ["matlag"]
    # Title match ranks above a match in the description.
    assert found("fotboll") == ["fotbollstraning", "spelkvall"]


def test_last_part_of_a_compound_finds_the_compound(library):
    assert found("träning") == ["fotbollstraning", "styrka"]
    assert found("kvällen spel") == []  # every word must still match
    assert "spelkväll" in search.parse_query("kväll").alternatives[0]


def test_known_to_match_more_than_counts_up_to_one_past_the_limit(library):
    # "fotboll": the training (title) and the games night (description) among these.
    everywhere = search.filter_matching(Activity.objects.all(), search.parse_query("fotboll"))
    matches = everywhere.count()
    assert matches >= 2
    query = search.parse_query("fotboll")
    # SQLite's FTS5 can tell cheaply; on PostgreSQL it is never "known" (see the docstring).
    assert search.known_to_match_more_than(query, matches - 1) == (connection.vendor == "sqlite")
    assert not search.known_to_match_more_than(query, matches)
    assert not search.known_to_match_more_than(search.parse_query("padelturnering"), 0)


def test_every_word_must_match(library):
    assert found("fotboll unga") == ["fotbollstraning"]
    assert found("fotboll seniorer pensionärer") == []


def test_synonyms_match_both_ways(library):
    assert found("gym") == ["styrka"]  # summary says gym, title says Styrketräning
    assert found("styrketräning") == ["styrka"]
    assert found("npf") == ["npf-fika"]
    assert found("sång") == ["korsang"]


def test_short_word_matches_whole_words_only(library):
    # "kör" is in the synonym group of sång; as a prefix it would also find "köra", "körkort".
    assert search._prefix(search.stem("kör")) == ""
    assert found("kör") == ["korsang"]


def test_misspelt_word_is_corrected_towards_indexed_words(library):
    corrections = search.parse_query("mattlagningsgrupp").corrections
    assert list(corrections) == ["mattlagningsgrupp"]
    assert corrections["mattlagningsgrupp"][0] == "matlagningsgrupp"  # the closest first
    assert found("mattlagningsgrupp") == ["matlag"]
    assert found("fotbolsträning") == ["fotbollstraning"]
    # A typo that still starts like an indexed word is found by prefix, without correction.
    assert search.parse_query("matlagnig").corrections == {}
    assert found("matlagnig") == ["matlag"]


def test_finder_says_which_corrected_words_it_searched_for(library, client):
    page = client.get("/aktiviteter/", {"q": "mattlagningsgrupp"}).content.decode()
    assert "Visar resultat för ”<strong>matlagningsgrupp</strong>”" in page
    assert "/aktiviteter/matlag/" in page
    # Words the index knows are searched as typed, and nothing is said about them.
    page = client.get("/aktiviteter/", {"q": "matlagningsgrupp"}).content.decode()
    assert "Visar resultat för" not in page


def test_query_syntax_is_only_text(library):
    for text in ['"', "fotboll*", "a & b | !c", "fotboll) OR (x", "NEAR(a b)", "title:fika", "'"]:
        found(text)  # no database error whatever is typed


def test_tiers_title_then_topic_then_body_then_context(library, directory):
    assert search.parse_query("konstgräs").alternatives == (("konstgräs",),)
    activities = search.filter_and_rank(Activity.objects.all(), search.parse_query("fotboll"))
    tiers = dict(activities.values_list("slug", "search_tier"))  # type: ignore[misc]
    assert tiers == {"fotbollstraning": 4, "spelkvall": 2}
    by_place = search.filter_and_rank(Activity.objects.all(), search.parse_query("söderhuset"))
    assert set(by_place.values_list("search_tier", flat=True)) == {1}  # type: ignore[misc]
    assert set(by_place.values_list("slug", flat=True)) == set(
        Activity.objects.filter(places__slug="soderhuset").values_list("slug", flat=True)
    )


def _padel(directory) -> Activity:
    return services.activity_create(
        actor=None,
        organisation=directory["organisation"],
        slug="padel",
        title="Padel för nybörjare",
        summary="Lär dig padel",
        categories=["idrott-motion"],
    )


def test_index_follows_create_and_rebuild(directory):
    activity = _padel(directory)
    assert found("padel") == ["padel"]
    assert found("idrott") == ["padel"]  # the category's name is indexed (weight B)
    ActivitySearch.objects.all().delete()
    assert found("padel") == []
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert found("padel") == [activity.slug]
    # The vocabulary is rebuilt with each word backwards too (compounds by their last part).
    words = list(SearchWord.objects.values_list("word", "reversed_word"))
    assert ("padel", "ledap") in words
    assert all(backwards == word[::-1] for word, backwards in words)


def test_compounds_are_found_by_their_last_part_among_many_words(library):
    # Words sharing the beginning or the end must not be taken for compounds of "fika".
    SearchWord.objects.bulk_create(
        SearchWord(word=w, reversed_word=w[::-1])
        for w in ("fikaställe", "afika", "språkfika", "kvällsfikat", "fik")
    )
    found = search._compounds_ending_with("fika")
    assert {"afika", "språkfika", "kvällsfika"} <= set(found)
    assert not {"fikaställe", "kvällsfikat", "fik", "fika"} & set(found)
    assert found == sorted(found)
    assert search._compounds_ending_with("fik") == []  # short words are left alone


def test_deleted_activity_leaves_the_index(library):
    library["matlag"].delete()
    assert ActivitySearch.objects.filter(activity_id=library["matlag"].pk).count() == 0
    assert found("matlagning") == []


def test_local_synonym_file_extends_the_shipped_list(library, settings, tmp_path):
    local = tmp_path / "synonyms.txt"
    local.write_text("# lokala ord\nmatlagning, kockskola\n", encoding="utf-8")
    settings.SEARCH_SYNONYMS_FILE = str(local)
    search.synonym_groups.cache_clear()
    try:
        assert found("kockskola") == ["matlag"]
    finally:
        search.synonym_groups.cache_clear()


def test_ranks_of_a_few_activities_equal_the_databases_tiers(library, directory):
    """``search.ranks`` (SQLite: the FTS5 expression matched on each row's stems in Python)
    against the tiers the database builds from its index, with phrases whose first word is a
    prefix ("svenska för nyanlända", a synonym of "språkcafé")."""
    for slug, title, summary, description in [
        ("svenska-nyanlanda", "Samtalsgrupp", "Svenskundervisning för nyanlända", "Vi fikar"),
        ("svenska-utan-fras", "Svenska", "För alla nyanlända", ""),
    ]:
        make_activity(
            directory["organisation"],
            slug,
            place=directory["places"]["soder"],
            title=title,
            summary=summary,
            description=description,
        )
    ids = list(Activity.objects.values_list("pk", flat=True))
    for text in ("språkcafé", "svenska för nyanlända", "fika autism", "träning", "fotboll unga"):
        query = search.parse_query(text)
        annotated = Activity.objects.filter(pk__in=ids).annotate(**search.rank_annotations(query))
        expected = {
            pk: (tier, hits)
            for pk, tier, hits in annotated.values_list("pk", "search_tier", "title_hits")  # type: ignore[misc]
        }
        assert search.ranks(ids, query) == expected, text
    slug_tier = dict(
        Activity.objects.filter(slug__startswith="svenska-")
        .annotate(**search.rank_annotations(search.parse_query("språkcafé")))
        .values_list("slug", "search_tier")  # type: ignore[misc]
    )
    # The phrase is in the first one's summary (topic tier); the second has its words apart.
    assert slug_tier["svenska-nyanlanda"] == 3
    assert slug_tier["svenska-utan-fras"] == 1


def test_the_title_tier_is_every_word_in_the_title(library, directory):
    """The finder asks the title tier only for all the words in the title and lower tiers
    only for fewer (``finder._plan``): each word's title test, taken together, is the whole
    query's title test, synonyms, prefixes and phrases included."""
    make_activity(
        directory["organisation"],
        "fotboll-unga-fika",
        place=directory["places"]["soder"],
        title="Fika och fotboll för ungdomar",
        summary="Autism",
    )
    for text in ("fika autism", "fotboll unga", "träffpunkt kväll", "svenska för nyanlända fika"):
        query = search.parse_query(text)
        words = len(query.alternatives)
        assert words > 1, text
        ranked = Activity.objects.annotate(**search.rank_annotations(query)).values_list(
            "search_tier",  # type: ignore[misc]
            "title_hits",
        )
        pairs = set(ranked)
        assert all((tier == 4) == (hits == words) for tier, hits in pairs), (text, pairs)
    tier_hits = set(
        Activity.objects.filter(slug="fotboll-unga-fika")
        .annotate(**search.rank_annotations(search.parse_query("fotboll unga")))
        .values_list("search_tier", "title_hits")  # type: ignore[misc]
    )
    assert tier_hits == {(4, 2)}


def _tier_rows_out_of_step() -> list[tuple[int, bool, bool]]:
    """Index rows whose narrow tier row (ActivitySearchTiers) is missing or differs from the
    tier texts' vectors, and tier rows left without an index row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.activity_id, t.title = to_tsvector('swedish', s.title),"
            " t.topic = to_tsvector('swedish', s.title || ' ' || s.topic)"
            " FROM directory_activitysearch s"
            " FULL JOIN directory_activitysearchtiers t USING (activity_id)"
        )
        return [row for row in cursor.fetchall() if row[1] is not True or row[2] is not True]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the tier table is PostgreSQL's")
def test_the_narrow_tier_table_follows_every_write(directory):
    """Create, edit, publish, cancel, delete and rebuild: the title and topic tiers' stored
    vectors always equal the index's own texts, and the finder finds by them."""
    activity = _padel(directory)
    assert _tier_rows_out_of_step() == []
    assert found("padel") == ["padel"]
    services.activity_update(actor=None, activity=activity, title="Pingis", categories=[])
    assert _tier_rows_out_of_step() == []
    tiers = search.filter_and_rank(
        Activity.objects.filter(slug="padel"), search.parse_query("pingis")
    )
    assert list(tiers.values_list("search_tier", flat=True)) == [4]  # type: ignore[misc]
    assert found("idrott") == []
    for status in (Activity.Status.PUBLISHED, Activity.Status.CANCELLED):
        services.activity_set_status(actor=None, activity=activity, status=status)
        assert _tier_rows_out_of_step() == []
    draft = services.activity_create(
        actor=None,
        organisation=directory["organisation"],
        slug="nytt-utkast",
        title="Utkast",
        summary="Ett utkast",
    )
    services.activity_delete(actor=None, activity=draft)
    assert _tier_rows_out_of_step() == []
    Activity.objects.filter(pk=activity.pk).delete()
    assert _tier_rows_out_of_step() == []
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM directory_activitysearchtiers")
    assert _tier_rows_out_of_step() != []
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _tier_rows_out_of_step() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the probe is PostgreSQL's")
def test_lower_tiers_tested_per_activity_are_the_tiers_sets(library, directory):
    """``tier_probe_condition`` (each activity's own vectors) and ``filter_tier`` from the stored
    document keep exactly the activities ``filter_tier`` keeps from the tier's expression
    index, for tiers 3, 2 and 1: a word in a description, one in the place's name (context),
    a synonym phrase, two words."""
    make_activity(
        directory["organisation"],
        "samtal",
        place=directory["places"]["soder"],
        title="Samtalsgrupp",
        summary="Svenskundervisning för nyanlända",
        description="Vi fikar och spelar fotboll",
    )
    checked = 0
    for text in ("fotboll", "söderhuset", "språkcafé", "autism", "fika autism", "kom"):
        query = search.parse_query(text)
        for tier in (3, 2, 1):
            by_set = search.filter_tier(Activity.objects.all(), query, tier)
            probed = search.keep_where(
                Activity.objects.all(), search.tier_probe_condition(query, tier, "pk")
            )
            stored = search.filter_tier(Activity.objects.all(), query, tier, stored=True)
            expected = set(by_set.values_list("slug", flat=True))
            assert set(probed.values_list("slug", flat=True)) == expected, (text, tier)
            assert set(stored.values_list("slug", flat=True)) == expected, (text, tier)
            checked += bool(expected)
    assert checked >= 3  # the comparison proves something only where the tiers hold some


def test_only_postgresql_is_asked_whether_a_tier_is_dense(library, settings, monkeypatch):
    query = search.parse_query("kom")
    if connection.vendor != "postgresql":
        assert search.tier_is_dense(query, 2) is False
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_activitysearch")
        cursor.execute("ANALYZE directory_activitysearchtiers")
    # Statistics of a handful of rows make any word look common: past a share of 0 it is
    # dense, past the whole table it is not; titles are never probed.
    monkeypatch.setattr(search, "DENSE_SHARE", 0.0)
    assert search.tier_is_dense(query, 2) is True
    assert search.tier_is_dense(query, 3) is True
    assert search.tier_is_dense(query, 4) is False
    monkeypatch.setattr(search, "DENSE_SHARE", 1.0)
    assert search.tier_is_dense(query, 2) is False
    assert search.tier_is_dense(query, 3) is False


def test_only_postgresql_estimates_how_many_match(library):
    """The estimate is the planner's (nothing read): a word some activities hold is estimated
    at more than none, and at fewer than a thousand times the table; SQLite says nothing."""
    common = search.parse_query("träffpunkt")
    if connection.vendor != "postgresql":
        assert search.estimated_to_match_more_than(common, 0) is False
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_activitysearch")
    total = Activity.objects.count()
    assert search.estimated_to_match_more_than(common, 0) is True
    assert search.estimated_to_match_more_than(common, 1000 * total) is False
    assert search.estimated_to_match_more_than(search.ParsedQuery(()), 0) is False


@pytest.fixture
def fika_fotboll(directory):
    """Besides the directory's activities, one with words of the tests' searches both in its
    title ("fika", "fotboll") and in its summary ("autism", "adhd")."""
    return make_activity(
        directory["organisation"],
        "fika-fotboll",
        place=directory["places"]["soder"],
        title="Fika efter fotbollen",
        summary="Autism och adhd välkomna",
    )


def test_a_title_or_topic_rank_group_is_read_from_the_tier_table(library, fika_fotboll):
    """``tier_ids`` (PostgreSQL) gives the activities ``filter_tier`` and ``title_hits`` keep
    for a title or topic rank group (drafts too: the index holds every activity), stopping one
    past the limit, and ``group_condition`` keeps the same group of several words' as one
    set; on SQLite and for the lower tiers they cannot tell (None)."""
    answered = 0
    for text in ("fotboll", "fika autism", "fotboll unga", "kom", "söderhuset"):
        query = search.parse_query(text)
        words = len(query.alternatives)
        for tier in (4, 3, 2, 1):
            for hits in (words,) if tier == 4 and words > 1 else range(words if words > 1 else 1):
                group = search.filter_tier(Activity.objects.all(), query, tier)
                if words > 1:
                    group = group.alias(hits=search.title_hits(query)).filter(hits=hits)
                expected = sorted(group.values_list("pk", flat=True))
                case = (text, tier, hits, len(expected))
                condition = search.group_condition(query, tier, hits)
                if connection.vendor != "postgresql" or tier <= 2:
                    assert search.tier_ids(query, 10, tier, hits) is None, case
                    assert condition is None, case
                    continue
                assert sorted(search.tier_ids(query, len(expected), tier, hits) or []) == expected
                # The same group as one set, for the walk (several words only).
                if words > 1:
                    assert condition is not None, case
                    in_group = Activity.objects.filter(condition).values_list("pk", flat=True)
                    assert sorted(in_group) == expected, case
                else:
                    assert condition is None, case
                if expected:
                    answered += 1
                    past = search.tier_ids(query, len(expected) - 1, tier, hits)
                    assert past is not None, case
                    assert len(past) == len(expected), case
    if connection.vendor == "postgresql":
        assert answered >= 3


def test_stored_stems_are_read_as_fts5_reads_them():
    """``_fts5_text`` skips the tokenizer for stems already between single spaces; a word
    with "_" (FTS5 splits there) and any other text still go through it."""

    def tokenized(text: str) -> str:
        return " " + " ".join(search._FTS5_TOKEN.findall(text.lower())) + " "

    for text in (
        search.stems("Fika för dig med autism, kl. 18–20 på Träffpunkt Söder!"),
        search.stems("snake_case och __dubbla__ understreck"),
        "fika_grupp träff",
        "",
        "dubbla  mellanslag",
    ):
        assert search._fts5_text(text) == tokenized(text), text
    assert search._fts5_text("fika_grupp träff") == " fika grupp träff "


def test_weighted_tsquery_keeps_prefixes_and_phrases():
    query = search.ParsedQuery((("fotboll", "svenska för nyanlända"),))
    assert search._pg_tsquery(query, "ABC") == (
        "(fotboll:*ABC | svenska:*ABC <-> för:ABC <-> nyanlända:*ABC)"
    )
    assert search._pg_tsquery(query) == "(fotboll:* | svenska:* <-> för <-> nyanlända:*)"


def test_a_tier_known_to_be_many_is_counted_from_that_tier_alone(library, directory):
    """SQLite's FTS5 answers "more than ``limit`` activities whose best tier is this one"
    as ``filter_tier`` counts them (drafts too: the index holds every activity)."""
    sizes = []
    for text in ("fotboll", "söderhuset", "kom", "fika autism"):
        query = search.parse_query(text)
        for tier in (4, 3, 2, 1):
            size = search.filter_tier(Activity.objects.all(), query, tier).count()
            sizes.append(size)
            if connection.vendor != "sqlite":
                assert search.known_to_match_more_than(query, 0, tier=tier) is False
                continue
            assert search.known_to_match_more_than(query, size, tier=tier) is False, (text, tier)
            if size:
                assert search.known_to_match_more_than(query, size - 1, tier=tier) is True, (
                    text,
                    tier,
                )
    assert sum(1 for size in sizes if size) >= 4


def test_sessions_of_matching_activities_are_the_same_tested_one_by_one_or_from_the_set(
    library, fika_fotboll
):
    """``filter_sessions_matching`` keeps the same sessions whether it tests each session's
    activity (PostgreSQL, words matching many: an estimate over five times the sessions) or
    builds the set of matches once (few, or SQLite)."""
    sessions = Occurrence.objects.all()
    compared = 0
    for text in ("fotboll", "fika autism", "söderhuset", "xyzzy"):
        query = search.parse_query(text)
        each = search.filter_sessions_matching(sessions, query, count=0)
        whole = search.filter_sessions_matching(sessions, query, count=10**6)
        by_place = search.filter_sessions_matching(sessions, query)
        expected = sorted(
            sessions.filter(
                activity__in=search.filter_matching(Activity.objects.all(), query)
            ).values_list("pk", flat=True)
        )
        for kept in (each, whole, by_place):
            assert sorted(kept.values_list("pk", flat=True)) == expected, text
        compared += bool(expected)
    assert compared >= 2
