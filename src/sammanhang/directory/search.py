"""Swedish full-text search over activities, on PostgreSQL and SQLite.

The index: one ``ActivitySearch`` row per activity with its text in four weights, A the title
(Swedish and English), B the summary, categories and target groups, C the description and the
easy-read text, D the organisation, places, districts and the equipment the activity needs
(so "skridskor" finds the skating group, below activities that say it themselves).
``search_index_update`` writes it and must be called, in the writing transaction, by every
service that changes what those fields show; ``sammanhang rebuild_search_index`` rewrites all
of it.

- **PostgreSQL**: ``document`` is a ``tsvector`` made with the ``swedish`` configuration and
  the weights above, behind a GIN index (the description tier asks it for weights A–C); the
  title and topic tiers also as stored vectors in the narrow ``ActivitySearchTiers`` table,
  each behind its own GIN index.
- **SQLite**: an FTS5 table over the rows' ``*_stems`` columns (the same Snowball Swedish
  stemmer PostgreSQL uses, applied in Python), kept in step by triggers on ``ActivitySearch``.

A query is read the same way on both: each word is stemmed and matched as a prefix, so
"träffpunkterna" finds "träffpunkt" and "fotboll" finds "fotbollsträning"; every word must
match (AND); a word in the synonym list (``data/synonyms.txt`` plus the file in
``SAMMANHANG_SYNONYMS_FILE``) also matches its synonyms (OR). A word that appears nowhere in the
index is replaced by the closest indexed words (PostgreSQL: trigram similarity; SQLite: the
closest words with the same first letters), and the finder says so.

Ranking is in tiers, the same on both databases: 4 when every word is in the title, 3 when
every word is in title or topic (B), 2 when in A–C, 1 otherwise; within a tier, more of the
query's words in the title first. Then the activity that happens sooner comes first, so among
equally good matches people see what they can go to.

A word the index has never seen is first read as a compound of two indexed words
("kvällsfika" → "kväll" + "fika", both must match), else corrected; either way the finder
says what it searched for.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import snowballstemmer
from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db import connection, transaction
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from sammanhang.directory.models import (
    Activity,
    ActivitySearch,
    ActivitySearchTiers,
    Place,
    SearchWord,
)

SYNONYMS_FILE = Path(__file__).with_name("data") / "synonyms.txt"
MAX_WORDS = 8
MIN_VOCABULARY_WORD = 3
MIN_PREFIX = 4
CLOSE = 0.75  # difflib ratio for a correction on SQLite (pg_trgm's own threshold on PostgreSQL)
NEARLY = 0.9  # other corrections must be nearly as close as the best one
_WORD = re.compile(r"\w+", re.UNICODE)
# ts_filter weight sets for the tiers: all words within these weights.
# (tier, PostgreSQL text with its own GIN index (migration 0007), SQLite FTS5 columns)
TIERS = (
    (4, "title", "{title_stems}"),
    (3, "title || ' ' || topic", "{title_stems topic_stems}"),
)
TIER_ABC = (2, "title || ' ' || topic || ' ' || body", "{title_stems topic_stems body_stems}")
# The tiers with a text of their own (tier 1 is any match), by number.
TIER_SETS = {4: TIERS[0], 3: TIERS[1], 2: TIER_ABC}
# PostgreSQL: the column of ActivitySearchTiers holding each of TIERS' text as a vector.
PG_NARROW_TIERS = {4: "title", 3: "topic"}


@cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("swedish")


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if not w.isdigit() or len(w) > 1]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    # Cached: the same few thousand words make up most texts, and Snowball in Python costs
    # ~80 µs a word (indexing 200,000 activities stems about 20 million words).
    return str(_stemmer().stemWord(word.lower()))


def stems(text: str) -> str:
    return " ".join(stem(w) for w in words(text))


# --- synonyms -------------------------------------------------------------------------------


def _read_synonyms(path: Path) -> list[set[str]]:
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            group = {w.strip().lower() for w in line.split(",") if w.strip()}
            if len(group) > 1:
                groups.append(group)
    return groups


@cache
def synonym_groups() -> tuple[frozenset[str], ...]:
    """The synonym groups, shipped and local; each is a set of words that mean the same here."""
    paths = [SYNONYMS_FILE]
    extra = getattr(settings, "SEARCH_SYNONYMS_FILE", "")
    if extra:
        paths.append(Path(extra))
    groups: list[set[str]] = []
    for path in paths:
        groups.extend(_read_synonyms(path))
    return tuple(frozenset(g) for g in groups)


def synonyms(word: str) -> list[str]:
    """Other words that mean the same as ``word`` (matched by stem), in a stable order."""
    word_stem = stem(word)
    found: set[str] = set()
    for group in synonym_groups():
        if any(stem(w) == word_stem for w in group):
            found |= group
    return sorted(w for w in found if stem(w) != word_stem)


# --- the index ------------------------------------------------------------------------------


def _texts(activity: Activity) -> dict[str, str]:
    terms = [*activity.categories.all(), *activity.target_groups.all()]
    places = list(activity.places.all())
    context = [activity.organisation.name]
    for term in activity.equipment.all():
        context.extend([term.name_sv, term.name_en])
    for place in places:
        context.append(place.name)
        if place.district is not None:
            context.append(place.district.name)
    return {
        "title": " ".join(filter(None, [activity.title, activity.title_en])),
        "topic": " ".join(
            filter(
                None,
                [activity.summary, activity.summary_en]
                + [t.name_sv for t in terms]
                + [t.name_en for t in terms],
            )
        ),
        "body": " ".join(filter(None, [activity.description, activity.easy_read])),
        "context": " ".join(context),
    }


def search_index_update(activity_ids: Iterable[int]) -> None:
    """Rewrite the index rows of these activities (and drop rows of deleted ones).

    Call inside the transaction that made the change, so search and data never disagree.
    A fixed number of queries whatever the number of activities.
    """
    ids = sorted(set(activity_ids))
    if not ids:
        return
    with transaction.atomic():
        activities = (
            Activity.objects.filter(pk__in=ids)
            .select_related("organisation")
            .prefetch_related(
                "categories",
                "target_groups",
                "equipment",
                Prefetch("places", queryset=Place.objects.select_related("district")),
            )
        )
        rows = []
        vocabulary: set[str] = set()
        for activity in activities:
            texts = _texts(activity)
            rows.append(
                ActivitySearch(
                    activity=activity,
                    **texts,
                    **{f"{name}_stems": stems(text) for name, text in texts.items()},
                )
            )
            for text in texts.values():
                vocabulary.update(w for w in words(text) if len(w) >= MIN_VOCABULARY_WORD)
        # Delete and insert rather than update: one statement each, and on SQLite the FTS
        # triggers see a plain delete + insert.
        ActivitySearch.objects.filter(activity_id__in=ids).delete()
        ActivitySearch.objects.bulk_create(rows, batch_size=500)
        if connection.vendor == "postgresql":
            written = [row.activity_id for row in rows]
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE directory_activitysearch SET document ="
                    " setweight(to_tsvector('swedish', title), 'A')"
                    " || setweight(to_tsvector('swedish', topic), 'B')"
                    " || setweight(to_tsvector('swedish', body), 'C')"
                    " || setweight(to_tsvector('swedish', context), 'D')"
                    " WHERE activity_id = ANY(%s)",
                    [written],
                )
                # The best tiers' narrow table (ActivitySearchTiers): the same texts as the
                # tier expressions in TIERS, stored.
                cursor.execute(
                    "DELETE FROM directory_activitysearchtiers WHERE activity_id = ANY(%s)", [ids]
                )
                cursor.execute(
                    "INSERT INTO directory_activitysearchtiers (activity_id, title, topic)"
                    " SELECT activity_id, to_tsvector('swedish', title),"
                    " to_tsvector('swedish', title || ' ' || topic)"
                    " FROM directory_activitysearch WHERE activity_id = ANY(%s)",
                    [written],
                )
        SearchWord.objects.bulk_create(
            [SearchWord(word=w[:100], reversed_word=w[:100][::-1]) for w in sorted(vocabulary)],
            ignore_conflicts=True,
            batch_size=1000,
        )


def search_index_rebuild(batch_size: int = 2000) -> int:
    """Rewrite the whole index and vocabulary; return how many activities were indexed."""
    with transaction.atomic():
        ActivitySearchTiers.objects.all().delete()
        ActivitySearch.objects.all().delete()
        SearchWord.objects.all().delete()
    ids = list(Activity.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        search_index_update(ids[start : start + batch_size])
    return len(ids)


# --- queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedQuery:
    """What a search asks for: per word, the alternatives that may match it."""

    alternatives: tuple[tuple[str, ...], ...]
    corrections: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.alternatives)


def parse_query(text: str) -> ParsedQuery:
    """Split the query into words, add synonyms, and read words the index has never seen.

    An unseen word is first split as a compound into parts the index knows ("kvällsfika" →
    "kväll" and "fika", both must match), else replaced by the closest indexed words. Costs a
    few small queries per word (at most ``MAX_WORDS`` words) on the word list.
    """
    alternatives: list[tuple[str, ...]] = []
    corrections: dict[str, tuple[str, ...]] = {}
    for word in list(dict.fromkeys(words(text)))[:MAX_WORDS]:
        same = [word, *synonyms(word)]
        compounds = _compounds_ending_with(word)
        options = [*same, *compounds]
        if not compounds and not any(_known(o) for o in same):
            parts = _split_compound(word)
            if parts:
                corrections[word] = (" ".join(parts),)
                alternatives.extend(_options(part) for part in parts)
                continue
            close = _closest(word)
            if close:
                corrections[word] = close
                options = [*close]
        alternatives.append(tuple(dict.fromkeys(options)))
    return ParsedQuery(tuple(alternatives), corrections)


def _options(word: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys([word, *synonyms(word), *_compounds_ending_with(word)]))


def _findable(word: str) -> bool:
    return _known(word) or bool(_compounds_ending_with(word, limit=1))


def _split_compound(word: str) -> tuple[str, str] | None:
    """The word as two indexed parts, the first optionally with a linking "s" ("fotbolls-");
    the first part may itself be found as a compound tail ("fotboll" in "kvällsfotboll").

    Only for words of at least eight letters, whose parts have at least three: shorter splits
    find accidental words ("kör" + "kort").
    """
    if len(word) < 8:
        return None
    for cut in range(3, len(word) - 2):
        head, tail = word[:cut], word[cut:]
        # The tail must be a word of its own: as a compound tail, "sträning" (arbet-s-träning)
        # would be found too and cut "fotbollsträning" in the wrong place.
        if len(tail) < 3 or not _known(tail):
            continue
        for first in (head[:-1], head) if head.endswith("s") and len(head) > 3 else (head,):
            if _findable(first):
                return first, tail
    return None


def corrected_text(text: str, query: ParsedQuery) -> str:
    """The query as searched when words were corrected ("mattlagning" → "matlagning"), so
    the finder can say what it looked for instead; empty when nothing was corrected."""
    if not query.corrections:
        return ""
    return " ".join(query.corrections.get(word, (word,))[0] for word in words(text))


def _compounds_ending_with(word: str, limit: int = 30) -> list[str]:
    """Indexed compounds whose last part is ``word``: "fika" gives "kvällsfika", "språkfika".

    Prefix matching covers compounds that start with the word; this covers the Swedish habit
    of putting the thing itself last. Words shorter than four letters are left alone ("bad"
    would bring every "fotbad" and "bubbelbad" but also unrelated words).
    """
    if len(word) < MIN_PREFIX:
        return []
    if connection.vendor == "sqlite":
        ending = _starting_with(word[::-1], field="reversed_word")
    else:
        ending = Q(word__endswith=word)
    found = (
        SearchWord.objects.filter(ending)
        .exclude(word=word)
        .order_by("word")
        .values_list("word", flat=True)[:limit]
    )
    return list(found)


def _starting_with(prefix: str, field: str = "word") -> Q:
    """Indexed words whose ``field`` starts with ``prefix``. On SQLite as a range of the
    field's index (its text compares by code point), since SQLite's LIKE ignores case and so
    reads every word."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})
    return Q(**{f"{field}__startswith": prefix})


def _known(word: str, sample: int = 50) -> bool:
    """Whether the search would match some indexed word: one whose stem starts with this
    word's stem (long stems match as prefixes) or equals it (short stems)."""
    word_stem = stem(word)
    # Snowball only strips endings, so a word whose stem starts with ``word_stem`` starts
    # with it too; shortest first, as inflections are longer than the base form.
    candidates = SearchWord.objects.filter(_starting_with(word_stem)).order_by(Length("word"))
    for candidate in candidates.values_list("word", flat=True)[:sample]:
        candidate_stem = stem(candidate)
        if candidate_stem == word_stem or (
            _prefix(word_stem) and candidate_stem.startswith(word_stem)
        ):
            return True
    return False


def _closest(word: str, limit: int = 3) -> tuple[str, ...]:
    """Indexed words spelt like ``word``: the closest, and those nearly as close."""
    if len(word) < 4:
        return ()
    scored: list[tuple[float, str]]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT similarity(word, %s), word FROM directory_searchword WHERE word %% %s"
                " ORDER BY 1 DESC, word LIMIT %s",
                [word, word, limit],
            )
            scored = [(float(score), found) for score, found in cursor.fetchall()]
    else:
        candidates = SearchWord.objects.filter(word__startswith=word[:1]).values_list(
            "word", flat=True
        )[:20000]
        matcher = difflib.SequenceMatcher(b=word)
        scored = []
        for candidate in candidates:
            matcher.set_seq1(candidate)
            if matcher.real_quick_ratio() >= CLOSE and matcher.ratio() >= CLOSE:
                scored.append((matcher.ratio(), candidate))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
    if not scored:
        return ()
    best = scored[0][0]
    return tuple(found for score, found in scored[:limit] if score >= best * NEARLY)


def _prefix(word_stem: str) -> str:
    """Long stems match as prefixes (compounds, inflections); short ones only as words, since
    "kör*" would find every "köra" and "körkort"."""
    return "*" if len(word_stem) >= MIN_PREFIX else ""


def _pg_tsquery(query: ParsedQuery, weights: str = "") -> str:
    """A tsquery of the words as typed; PostgreSQL's ``swedish`` configuration stems them.
    With ``weights`` ("ABC"), each word matches only where ``document`` gives it one of them.

    Every part is ``\\w+`` only, so nothing typed can change the query's structure.
    """
    parts = []
    for options in query.alternatives:
        alts = [
            " <-> ".join(
                w + (":*" if _prefix(stem(w)) else (":" if weights else "")) + weights
                for w in words(o)
            )
            for o in options
            if words(o)
        ]
        parts.append("(" + " | ".join(alts) + ")")
    return " & ".join(parts)


def _fts5_match(query: ParsedQuery, columns: str = "") -> str:
    """An FTS5 expression of the words' stems; quoted, so nothing typed is FTS5 syntax."""
    parts = []
    for options in query.alternatives:
        alts = []
        for option in options:
            tokens = [stem(w) for w in words(option)]
            if tokens:
                alts.append(" + ".join(f'"{t}"' + _prefix(t) for t in tokens))
        parts.append("(" + " OR ".join(alts) + ")")
    expression = " AND ".join(parts)
    return f"{columns} : ({expression})" if columns else expression


def _matching_ids_sql(
    query: ParsedQuery, tier: tuple[int, str, str] | None, *, stored: bool = False
) -> tuple[str, list[str]]:
    """The ids of the activities matching ``query`` (in ``tier``'s text only, if given).

    ``stored``: on PostgreSQL, the description tier from the stored document's words weighted
    A–C rather than from its own expression index (see ``tier_is_dense``).
    """
    if connection.vendor == "postgresql":
        if tier is not None and tier[0] in PG_NARROW_TIERS:
            # The title and topic tiers from their narrow table (ActivitySearchTiers), read
            # whole from the GIN index once (a materialised CTE, planned on its own): as a
            # plain subquery, the planner walked the activities and tested each one's stored
            # vector instead, because testing a stored vector looks cheap (84 ms rather than
            # 25 for "fika"). The CTE keeps the index's estimate of its size, where the array
            # it replaced was always guessed at 10 rows: a set of 6,854 then became the inner
            # side of a nested loop with 16,000 activities ("unga seniorer": 2.9 s).
            return (
                "WITH tier AS MATERIALIZED (SELECT activity_id"  # noqa: S608 (constant text)
                f" FROM directory_activitysearchtiers WHERE {PG_NARROW_TIERS[tier[0]]}"
                " @@ to_tsquery('swedish', %s)) SELECT activity_id FROM tier",
                [_pg_tsquery(query)],
            )
        if tier is None or stored:
            # The stored document, its words weighted by field (title A, topic B, body C,
            # context D); the description tier asks for A to C.
            return (
                "SELECT activity_id FROM directory_activitysearch"
                " WHERE document @@ to_tsquery('swedish', %s)",
                [_pg_tsquery(query, "" if tier is None else "ABC")],
            )
        # The tier's own text, as its expression index has it: exact and from the index,
        # where the document finds every row holding the word in any field and reads each to
        # check the weight (for a word in organisation names, a fifth of the table).
        return (
            "SELECT activity_id FROM directory_activitysearch"  # noqa: S608 (constant text)
            f" WHERE to_tsvector('swedish', {tier[1]}) @@ to_tsquery('swedish', %s)",
            [_pg_tsquery(query)],
        )
    columns = tier[2] if tier else ""
    return (
        "SELECT rowid FROM directory_activity_fts WHERE directory_activity_fts MATCH %s",
        [_fts5_match(query, columns)],
    )


def _in_set(field: str, sql: str, params: list[str]) -> Q:
    # RawSQL: constant SQL text, everything typed travels as bound parameters.
    return Q(**{f"{field}__in": RawSQL(sql, params)})  # noqa: S611


def keep_where(rows: QuerySet[Any], condition: Q) -> QuerySet[Any]:
    """Keep the rows meeting ``condition``, tested row by row: as one CASE, which neither
    database turns into a join or drives an index lookup from. PostgreSQL builds each set in
    it once and looks each row up in a hash; SQLite builds it once as a temporary table. A
    read of sessions in start order then stays in start order; as a plain ``IN``, both
    planners would rather read the set's activities' sessions and sort them all.

    One CASE for the whole condition, not one per part: PostgreSQL guesses each CASE keeps
    half a percent of the rows, so two of them (a tier, and not the better tier) made it
    expect 19 sessions of 900,000 and read and sort every session in the window rather than
    walk the start index ("centrum": 1.2 s, 160 ms as one CASE).
    """
    inside = Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
    name = f"in_set_{len(rows.query.annotations)}"
    return rows.alias(**{name: inside}).filter(**{name: 1})


def known_to_match_more_than(query: ParsedQuery, limit: int, tier: int | None = None) -> bool:
    """Whether the text index alone shows more than ``limit`` matching activities (drafts and
    ended ones included), stopping one past ``limit``; with ``tier``, those whose best tier it
    is ("this tier's columns and NOT the next better tier's").

    Only SQLite can tell cheaply: FTS5 hands its matches over one by one, where
    ``IN (matches)`` in a larger query first builds the whole set (for "fika", every
    activity; for a word in every description, 63 ms of a 190 ms search at 200,000
    activities). PostgreSQL's GIN index builds its whole bitmap either way, so asking first
    would match the words twice; there the answer is False ("not known") and the caller reads
    the matches once.
    """
    if connection.vendor != "sqlite":
        return False
    sql, params = _matching_ids_sql(query, TIER_SETS.get(tier) if tier is not None else None)
    if tier is not None and tier + 1 in TIER_SETS:
        better = _fts5_match(query, TIER_SETS[tier + 1][2])
        params = [f"{params[0]} NOT {better}"]
    with connection.cursor() as cursor:
        # Constant SQL text; the words travel as parameters.
        counted = f"SELECT COUNT(*) FROM ({sql} LIMIT %s) matches"  # noqa: S608
        cursor.execute(counted, [*params, limit + 1])
        (found,) = cursor.fetchone()
    return bool(found > limit)


def tier_ids(query: ParsedQuery, limit: int, tier: int, hits: int) -> list[int] | None:
    """PostgreSQL: the activities (drafts and ended ones included) whose best tier is the
    title or the topic tier, ``tier``, with ``hits`` of several words in the title, read from
    the tiers' narrow table alone and no further than one past ``limit``; None where that
    cannot be told so (SQLite, the lower tiers).

    Each row's own title vector is tested for the words: asking through the activities built
    every word's title set of 20,000 and read all 200,000 activities (116 ms to learn that a
    group of "unga seniorer" held more than 2,000, 122 ms to read a group of "fika seniorer";
    here about 10 ms each).
    """
    if connection.vendor != "postgresql" or tier not in PG_NARROW_TIERS or not query:
        return None
    sql, params = _group_sql(query, tier, hits)
    with connection.cursor() as cursor:
        # With a plain LIMIT and no CTE, the planner read the table in order instead of from
        # the GIN index, expecting the matches spread evenly (60 ms for "kaffe").
        cursor.execute(f"{sql} LIMIT %s", [*params, limit + 1])
        return [pk for (pk,) in cursor.fetchall()]


def group_condition(query: ParsedQuery, tier: int, hits: int, field: str = "pk") -> Q | None:
    """PostgreSQL, several words: whether the activity in ``field`` is in the title or topic
    rank group (``tier``, ``hits``; see ``tier_ids``), as one set read from the tiers' narrow
    table; None where that cannot be told so (SQLite, one word, the lower tiers).

    ``tier_condition`` with ``title_hits`` builds a set for the tier, one for the better
    tier and one for each word in titles: for "unga seniorer", 6,854 + 0 + 19,986 + 20,064
    ids (96 ms of a 114 ms walk, 170 ms of the request; 88 ms this way). For one word it
    builds two sets from their GIN indexes, which is cheaper than carrying the title vectors
    of a large topic tier to test them ("centrum", 40,000 topics: 118 ms, 132 this way).
    """
    if len(query.alternatives) < 2:
        return None
    if connection.vendor != "postgresql" or tier not in PG_NARROW_TIERS:
        return None
    return _in_set(field, *_group_sql(query, tier, hits))


def _group_sql(query: ParsedQuery, tier: int, hits: int) -> tuple[str, list[Any]]:
    """The ids of a title or topic rank group, from the tiers' narrow table (PostgreSQL)."""
    words = len(query.alternatives)
    tsquery = _pg_tsquery(query)
    conditions: list[str] = []
    params: list[Any] = [tsquery]
    if tier + 1 in PG_NARROW_TIERS:
        conditions.append(f"NOT ({PG_NARROW_TIERS[tier + 1]} @@ to_tsquery('swedish', %s))")
        params.append(tsquery)
    if words > 1 and tier < 4:  # the title tier is every word in the title
        hit = "(title @@ to_tsquery('swedish', %s))::int"
        conditions.append(f"({' + '.join([hit] * words)}) = %s")
        params += [_pg_tsquery(ParsedQuery((options,))) for options in query.alternatives]
        params.append(hits)
    # Constant SQL text; the words travel as parameters. The tier from its GIN index first, a
    # materialised CTE planned on its own and keeping the index's estimate of its size.
    sql = (
        "WITH tier AS MATERIALIZED (SELECT activity_id, title"  # noqa: S608
        f" FROM directory_activitysearchtiers WHERE {PG_NARROW_TIERS[tier]}"
        " @@ to_tsquery('swedish', %s))"
        f" SELECT activity_id FROM tier WHERE {' AND '.join(conditions) or 'TRUE'}"
    )
    return sql, params


def filter_matching(
    rows: QuerySet[Any], query: ParsedQuery, field: str = "pk", *, hashed: bool = False
) -> QuerySet[Any]:
    """Keep the activities (or, by ``field``, their sessions) that match ``query``; a query
    without words filters nothing."""
    if not query:
        return rows
    members = _in_set(field, *_matching_ids_sql(query, None))
    return keep_where(rows, members) if hashed else rows.filter(members)


def rank_annotations(query: ParsedQuery, field: str = "pk") -> dict[str, Any]:
    """``search_tier`` (4 best … 1) and ``title_hits`` (how many of the query's words the title
    has) for the activity whose id is in ``field``, to annotate activities or their sessions.

    ``title_hits`` orders within a tier when there are several words: for "fika autism" the
    meeting called "… adhd eller autism" comes before one that only mentions both somewhere.
    """
    if not query:
        return {
            "search_tier": Value(1, output_field=IntegerField()),
            "title_hits": Value(0, output_field=IntegerField()),
        }
    whens = []
    for tier in (*TIERS, TIER_ABC):
        tier_sql, tier_params = _matching_ids_sql(query, tier)
        matched = RawSQL(tier_sql, tier_params)  # noqa: S611
        whens.append(When(Q(**{f"{field}__in": matched}), then=Value(tier[0])))
    return {
        "search_tier": Case(*whens, default=Value(1), output_field=IntegerField()),
        "title_hits": title_hits(query, field),
    }


def filter_sessions_matching(
    sessions: QuerySet[Any], query: ParsedQuery, count: int | None = None
) -> QuerySet[Any]:
    """Keep the sessions (few: ``finder.SMALL_SESSIONS`` at most) whose activity matches
    ``query``.

    On PostgreSQL each session's own activity is tested, about 10 µs a session: for a common
    word the set of every match, about 2 µs a match, is most of the directory. Given the
    sessions' ``count``, the set is built once instead where the planner's estimate of the
    matches is under ``PROBE_RATIO`` times it. SQLite's FTS5 builds the set from its index
    cheaply, so it always keeps the set.
    """
    if not query:
        return sessions
    if connection.vendor != "postgresql" or (
        count is not None and not estimated_to_match_more_than(query, PROBE_RATIO * count)
    ):
        return filter_matching(sessions, query, field="activity_id", hashed=True)
    raw = SearchQuery(_pg_tsquery(query), config="swedish", search_type="raw")
    return sessions.filter(activity__search__document=raw)


# See filter_sessions_matching.
PROBE_RATIO = 5


# A lower tier holding more than this share of the activities is tested activity by activity
# where sessions are read in order (``tier_probe_condition``) rather than built as a set: a
# page of sessions then costs a few hundred probes, where the set costs about 2 µs an
# activity in it (450 ms for a word in all 200,000 descriptions). Below it the set is cheaper
# than the probes the page would make (about 250 ÷ share of them).
DENSE_SHARE = 0.05


def estimated_to_match_more_than(query: ParsedQuery, limit: int) -> bool:
    """Whether PostgreSQL's statistics put the activities matching ``query`` (drafts and ended
    ones included) at more than ``limit``: its estimate, read with ``EXPLAIN``, reads none of
    the matches (``known_to_match_more_than`` is SQLite's exact answer; False here on SQLite).
    Near the truth for a word (5,853 for 5,995 "yoga", 23,877 for 23,469 "centrum" at
    200,000 activities), so a caller asks with a margin."""
    if connection.vendor != "postgresql" or not query:
        return False
    return _estimated_rows(*_matching_ids_sql(query, None)) > limit


def _estimated_rows(sql: str, params: list[str]) -> float:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        return float(cursor.fetchone()[0][0]["Plan"]["Plan Rows"])  # psycopg parses JSON


def tier_is_dense(query: ParsedQuery, tier: int) -> bool:
    """Whether PostgreSQL's statistics say ``tier`` (3, 2 or 1) holds more than
    ``DENSE_SHARE`` of the activities: the planner's estimate, read with ``EXPLAIN``, costs no
    reading of the matches. False on SQLite, whose FTS5 index builds any set cheaply.

    The topic tier is dense for a word in nearly every summary ("trygg", "välkommen"): built
    as a set to walk, it was 200,000 ids ("trygg": 503 ms; 78 tested per session, at 200,000
    activities).
    """
    if connection.vendor != "postgresql" or tier > 3 or not query:
        return False
    # The tier's expression index (the topic's own GIN index) has statistics of its own text;
    # the document's do not tell weights apart (a word in every organisation name looks
    # common in descriptions).
    own = {3: TIER_SETS[3], 2: TIER_ABC}.get(tier)
    estimated = _estimated_rows(*_matching_ids_sql(query, own))
    # Out of the rows of the table estimated from (a row an activity in either), so both
    # come from the same statistics.
    table = "directory_activitysearchtiers" if tier == 3 else "directory_activitysearch"
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        (total,) = cursor.fetchone()
    return total > 0 and estimated > DENSE_SHARE * total


def tier_probe_condition(query: ParsedQuery, tier: int, field: str) -> Q:
    """``tier_condition`` for tier 3, 2 or 1 on PostgreSQL, testing the activity in ``field`` by
    its own stored vectors (a lookup by key each) instead of building the tier's set: for a
    word in most activities' text, the set is most of the table. Used within one CASE
    (``keep_where``), so the planner keeps it a test per row and does not turn it into a join
    that builds the set after all.

    The same sets as ``tier_condition``: tier 3 is the topic tier but not the title tier
    (``ActivitySearchTiers``); tier 2 is the document's title, topic and body (weights A to
    C) but not the topic tier; tier 1 is the whole document but not weights A to C.
    """
    outer = OuterRef(field)
    if tier == 3:
        return Q(
            Exists(ActivitySearchTiers.objects.filter(activity_id=outer, topic=_raw(query)))
        ) & ~Q(Exists(ActivitySearchTiers.objects.filter(activity_id=outer, title=_raw(query))))
    if tier == 2:
        return Q(
            Exists(ActivitySearch.objects.filter(activity_id=outer, document=_raw(query, "ABC")))
        ) & ~Q(Exists(ActivitySearchTiers.objects.filter(activity_id=outer, topic=_raw(query))))
    return Q(Exists(ActivitySearch.objects.filter(activity_id=outer, document=_raw(query)))) & ~Q(
        Exists(ActivitySearch.objects.filter(activity_id=outer, document=_raw(query, "ABC")))
    )


def _raw(query: ParsedQuery, weights: str = "") -> SearchQuery:
    return SearchQuery(_pg_tsquery(query, weights), config="swedish", search_type="raw")


def filter_tier(
    rows: QuerySet[Any], query: ParsedQuery, tier: int, *, stored: bool = False
) -> QuerySet[Any]:
    """Keep the activities whose best tier is exactly ``tier`` (see ``tier_condition``)."""
    return rows.filter(tier_condition(query, tier, stored=stored))


def tier_condition(query: ParsedQuery, tier: int, field: str = "pk", *, stored: bool = False) -> Q:
    """Whether the activity in ``field`` has exactly ``tier`` as its best tier.

    The tiers nest (a title match is a topic match too, and every tier is a match), so
    "exactly" is "in this tier's set and not in the next better one": each set comes from its
    own index, and a search that fills its page from the title tier never builds the larger
    sets below it.
    """
    sets = TIER_SETS
    condition = Q()
    if tier not in sets:
        condition &= _in_set(field, *_matching_ids_sql(query, None))
    if tier in sets:
        condition &= _in_set(field, *_matching_ids_sql(query, sets[tier], stored=stored))
    if tier + 1 in sets:
        condition &= ~_in_set(field, *_matching_ids_sql(query, sets[tier + 1], stored=stored))
    return condition


def title_hits(query: ParsedQuery, field: str = "pk") -> Any:
    """How many of the query's words the title has (0 for a one-word query)."""
    hits: Any = Value(0, output_field=IntegerField())
    if len(query.alternatives) > 1:
        for options in query.alternatives:
            word_sql, word_params = _matching_ids_sql(ParsedQuery((options,)), TIERS[0])
            in_title = RawSQL(word_sql, word_params)  # noqa: S611
            hits = hits + Case(
                When(Q(**{f"{field}__in": in_title}), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
    return hits


def ranks(ids: list[int], query: ParsedQuery) -> dict[int, tuple[int, int]]:
    """(``search_tier``, ``title_hits``) of each of a few activities, as ``rank_annotations``.

    Each activity's own stored text is tested, which for a few hundred rows is cheaper than
    building the tiers' sets from their indexes (for a common word such as "fika" the lower
    tiers hold nearly every activity): PostgreSQL with ``ts_filter`` by weight, SQLite by
    matching the FTS5 expression against the row's stems here (``_fts5_ranks``).
    """
    if not ids or not query:
        return dict.fromkeys(ids, (1, 0))
    if connection.vendor != "postgresql":
        return _fts5_ranks(ids, query)
    tsquery = _pg_tsquery(query)
    words_sql, params = [], [tsquery, tsquery, tsquery]
    if len(query.alternatives) > 1:
        for options in query.alternatives:
            words_sql.append("(ts_filter(document, '{a}') @@ to_tsquery('swedish', %s))::int")
            params.append(_pg_tsquery(ParsedQuery((options,))))
    hits = " + ".join(words_sql) or "0"
    # Constant SQL text; everything typed travels as parameters.
    sql = (
        "SELECT activity_id, CASE"  # noqa: S608
        " WHEN ts_filter(document, '{a}') @@ to_tsquery('swedish', %s) THEN 4"
        " WHEN ts_filter(document, '{a,b}') @@ to_tsquery('swedish', %s) THEN 3"
        " WHEN ts_filter(document, '{a,b,c}') @@ to_tsquery('swedish', %s) THEN 2"
        f" ELSE 1 END, {hits} FROM directory_activitysearch"
        " WHERE activity_id = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, ids])
        found = {pk: (tier, hits) for pk, tier, hits in cursor.fetchall()}
    return {pk: found.get(pk, (1, 0)) for pk in ids}


# FTS5's unicode61 tokenizer: runs of letters and digits; "_" and the rest separate.
_FTS5_TOKEN = re.compile(r"[^\W_]+")


def _fts5_words(query: ParsedQuery) -> list[list[str | re.Pattern[str]]]:
    """``_fts5_match``'s expression as data: per word, its options as needles to look for in
    a column's tokens joined by single spaces (with a space at each end).

    A phrase is its tokens in a row: " kvälls fika " matches only those two words together. A
    long stem is a prefix ("café"*): " café" matches "caféet" too; inside a phrase that takes a
    pattern (" svensk\\S* för nyanländ"), as each of its stems may be a prefix.
    """
    result = []
    for options in query.alternatives:
        needles: list[str | re.Pattern[str]] = []
        for option in options:
            tokens: list[tuple[str, bool]] = []
            for stemmed in (stem(w) for w in words(option)):
                # FTS5 tokenizes the quoted stem; a trailing * makes its last token a prefix.
                parts = _FTS5_TOKEN.findall(stemmed.lower())
                tokens += [(part, False) for part in parts[:-1]]
                if parts:
                    tokens.append((parts[-1], bool(_prefix(stemmed))))
            if not tokens:
                continue
            last_open = tokens[-1][1]
            if all(not is_prefix for _token, is_prefix in tokens[:-1]):
                needles.append(" " + " ".join(t for t, _ in tokens) + ("" if last_open else " "))
            else:
                inner = " ".join(re.escape(t) + (r"\S*" if p else "") for t, p in tokens)
                needles.append(re.compile(" " + inner + ("" if last_open else " ")))
        result.append(needles)
    return result


def _fts5_text(text: str) -> str:
    if "_" not in text and "  " not in text:
        # Stored stems (``stems``) are words between single spaces already, as FTS5 reads
        # them, unless a word holds "_", which FTS5 splits on: the tokenizer's pass was 40 %
        # of ranking 2,400 activities ("fika", open now).
        return f" {text.lower()} "
    return " " + " ".join(_FTS5_TOKEN.findall(text.lower())) + " "


def _fts5_ranks(ids: list[int], query: ParsedQuery) -> dict[int, tuple[int, int]]:
    """``ranks`` on SQLite: the FTS5 expressions of the tiers, tested on each row's stems.

    The same tokens and the same rules as FTS5 (``web/tests/test_search_relevance.py``
    compares this with the database's own answer), without building each tier's set of
    every matching activity, which for a common word is most of them. A phrase lies within
    one column, as FTS5 matches it.
    """
    # One pattern per word, its options as alternatives: the regular expression engine tries
    # them, where testing each option in Python took 120 of the 167 ms that ranking 4,700
    # activities took ("fika" today at 200,000 activities).
    patterns = [
        # A word without tokens matches nothing, as ``any`` of no options.
        re.compile("|".join(_needle_source(n) for n in ns) or "(?!)")
        for ns in _fts5_words(query)
    ]
    found: dict[int, tuple[int, int]] = {}
    with connection.cursor() as cursor:
        # The ids as one JSON parameter: as a list, each was a parameter of its own, prepared
        # by the ORM (45 ms for 4,700 rows; 24 this way).
        cursor.execute(
            "SELECT activity_id, title_stems, topic_stems, body_stems"
            " FROM directory_activitysearch WHERE activity_id IN (SELECT value FROM json_each(%s))",
            [json.dumps(ids)],
        )
        rows = cursor.fetchall()
    for pk, *texts in rows:
        title, topic, body = (_fts5_text(text) for text in texts)
        # Per word, the best column it is in: 4 title, 3 topic, 2 body, 1 none.
        best = [
            4
            if pattern.search(title)
            else 3
            if pattern.search(topic)
            else 2
            if pattern.search(body)
            else 1
            for pattern in patterns
        ]
        # A tier holds the activities with every word within its columns.
        tier = min(best) if best else 1
        hits = sum(column == 4 for column in best) if len(patterns) > 1 else 0
        found[pk] = (tier, hits)
    return {pk: found.get(pk, (1, 0)) for pk in ids}


def _needle_source(needle: str | re.Pattern[str]) -> str:
    return re.escape(needle) if isinstance(needle, str) else needle.pattern


def filter_and_rank(activities: QuerySet[Activity], query: ParsedQuery) -> QuerySet[Activity]:
    """Keep the activities that match ``query``, annotated as ``rank_annotations`` says."""
    return filter_matching(activities, query).annotate(**rank_annotations(query))
