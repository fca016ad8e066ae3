"""The demo municipality, loaded through the services, and the demo command over real HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from datetime import date
from datetime import time as clock

import pytest
from django.db.models import Exists, OuterRef

from sammanhang.accounts.models import Membership, Organisation, User
from sammanhang.core.models import AuditEvent
from sammanhang.directory import services as directory_services
from sammanhang.directory.models import (
    Activity,
    ActivityFeature,
    ActivityLanguage,
    District,
    Municipality,
    Occurrence,
    OpeningHours,
    Place,
    PlaceClosure,
    PlaceFeature,
    Schedule,
    ScheduleException,
)
from sammanhang.web.demo.loader import DATA_FILE, demo_data, demo_load

# Occurrences are materialised around "today"; a fixed day keeps the demo deterministic.
DEMO_TODAY = date(2026, 11, 23)
CHRISTMAS_EVE = date(2026, 12, 24)


def test_demo_loads_organisations_users_and_roles(db):
    data = demo_data()
    summary = demo_load()
    assert summary.organisations == len(data["organisations"]) >= 10
    assert Organisation.objects.count() == len(data["organisations"])
    assert User.objects.filter(is_superuser=True).count() == 1
    expected = sum(len(u["role_by_organisation"]) for u in data["staff_users"])
    assert Membership.objects.count() == expected
    assert AuditEvent.objects.filter(action="organisation.created").count() == len(
        data["organisations"]
    )
    children = dict(
        Organisation.objects.filter(parent__isnull=False).values_list("slug", "parent__slug")
    )
    assert children == {e["slug"]: e["parent"] for e in data["organisations"] if e.get("parent")}
    assert len(children) >= 2
    fritid = Organisation.objects.get(slug="fritid-helsingborg")
    assert (fritid.kind, fritid.website, fritid.email, fritid.phone) == (
        "municipal_department",
        "https://fritid-helsingborg.example.se",
        "kontakt@fritid-helsingborg.example.se",
        "010-000 00 05",
    )
    assert fritid.description.startswith("Fritid Helsingborg driver fritidsgårdar")
    assert fritid.description_en.startswith("Fritid Helsingborg runs youth centres")


def test_demo_loads_places_activities_and_schedules(db):
    data = demo_data()
    summary = demo_load(today=DEMO_TODAY)
    assert (summary.places, summary.activities) == (len(data["places"]), len(data["activities"]))
    assert Municipality.objects.get().slug == "helsingborg"
    assert District.objects.count() == len(data["municipality"]["districts"])
    assert Place.objects.count() == len(data["places"])
    statuses = Counter(Activity.objects.values_list("status", flat=True))
    assert statuses == Counter(a["status"] for a in data["activities"])
    assert statuses["published"] >= 40
    assert (statuses["draft"], statuses["cancelled"], statuses["ended"]) >= (1, 1, 1)
    districts = (
        Occurrence.objects.filter(activity__status="published", district__isnull=False)
        .values("district")
        .distinct()
        .count()
    )
    assert districts >= 6
    assert Schedule.objects.count() == sum(len(a["schedules"]) for a in data["activities"])
    assert Schedule.objects.filter(freq="MONTHLY").count() >= 1
    assert Schedule.objects.filter(freq="WEEKLY", interval=2).count() >= 1
    assert Schedule.objects.filter(freq="ONCE").count() >= 1
    assert Schedule.objects.filter(place__isnull=True, activity__online=True).count() >= 1

    # One activity end to end: terms, languages, features, schedule, exceptions.
    drop_in = Activity.objects.get(slug="motesplats-drottninghog-oppen")
    assert sorted(drop_in.categories.values_list("code", flat=True)) == [
        "matlagning",
        "motesplats",
        "spel",
    ]
    assert sorted(drop_in.target_groups.values_list("code", flat=True)) == [
        "psykisk-funktionsnedsattning",
        "vuxna",
    ]
    assert sorted(
        ActivityLanguage.objects.filter(activity=drop_in).values_list("code", flat=True)
    ) == ["ar", "sv"]
    assert dict(
        ActivityFeature.objects.filter(activity=drop_in).values_list("term__code", "value")
    ) == {
        "lugn-miljo": "yes",
        "ingen-anmalan": "yes",
        "anonymt": "yes",
        "lattlast": "yes",
        "ledsagare-gratis": "yes",
        "personal-npf": "unknown",
    }
    assert (drop_in.age_min, drop_in.companion_free, drop_in.contact_role) == (
        18,
        "yes",
        "Mötesplatsens personal",
    )
    assert sorted(drop_in.schedules.values_list("freq", "byday", "interval", "place__slug")) == [
        ("WEEKLY", "MO,WE,TH", 1, "motesplats-drottninghog"),
        ("WEEKLY", "TU", 1, "motesplats-drottninghog"),
    ]
    assert list(
        Occurrence.objects.filter(
            activity=drop_in, date__in=[date(2026, 12, 27), date(2027, 1, 6)]
        ).values_list("date", "local_start", "local_end", "cancelled", "note")
    ) == [
        (date(2026, 12, 27), clock(12), clock(16), False, "Extra öppet i mellandagarna"),
        (date(2027, 1, 6), clock(10), clock(16), True, "Trettondedag jul"),
    ]

    # The second Friday of each month.
    disco = Schedule.objects.get(activity__slug="disco-andra-fredagen")
    assert (disco.freq, disco.byday) == ("MONTHLY", "2FR")
    assert list(
        Occurrence.objects.filter(
            schedule=disco, date__gte=DEMO_TODAY, date__lt=date(2027, 3, 1)
        ).values_list("date", flat=True)
    ) == [date(2026, 12, 11), date(2027, 1, 8), date(2027, 2, 12)]

    dunkers = Place.objects.get(slug="dunkers-kulturhus")
    assert dunkers.district is not None
    assert dunkers.district.code == "centrum"
    assert PlaceFeature.objects.filter(place=dunkers, term__code="rullstol").get().value == "yes"
    assert list(
        OpeningHours.objects.filter(place=dunkers, weekday=4).values_list("opens_at", "closes_at")
    ) == [(clock(11), clock(17)), (clock(17), clock(20))]
    assert OpeningHours.objects.filter(place=dunkers).count() == 7


def test_demo_activities_name_the_equipment_they_need(db):
    demo_load(today=DEMO_TODAY)
    needed = {
        slug: sorted(Activity.objects.get(slug=slug).equipment.values_list("code", flat=True))
        for slug in ("vinterdag-palsjo", "naturgruppen-palsjo", "kvallsfotboll-planteringen")
    }
    assert needed == {
        "vinterdag-palsjo": ["skidor-langd", "stavar"],
        "naturgruppen-palsjo": ["ryggsackar"],
        "kvallsfotboll-planteringen": ["bollar"],
    }
    assert Activity.equipment.through.objects.count() == 4


def test_demo_sessions_at_places_closed_that_day_are_cancelled(db):
    demo_load(today=DEMO_TODAY)
    at_closed_place = Exists(
        PlaceClosure.objects.filter(place=OuterRef("place"), date=OuterRef("date"))
    )
    christmas_eve = Occurrence.objects.filter(date=CHRISTMAS_EVE)
    closed = christmas_eve.filter(at_closed_place)
    assert closed.count() >= 10
    assert set(closed.values_list("cancelled", flat=True)) == {True}
    # Elsewhere that day some sessions go ahead: the closures are not a blanket cancellation.
    assert christmas_eve.exclude(at_closed_place).filter(cancelled=False).exists()
    assert not Occurrence.objects.filter(at_closed_place, cancelled=False).exists()


def test_loading_twice_changes_nothing(db):
    demo_load(today=DEMO_TODAY)
    models = (
        Municipality,
        District,
        Organisation,
        User,
        Membership,
        Place,
        PlaceClosure,
        Activity,
        Schedule,
        ScheduleException,
        Occurrence,
        AuditEvent,
    )
    counts = [model.objects.count() for model in models]
    assert counts[models.index(Occurrence)] > 0
    demo_load(today=DEMO_TODAY)
    assert [model.objects.count() for model in models] == counts


def test_broken_demo_data_leaves_the_database_unchanged(db):
    data = demo_data()
    data["staff_users"].append(
        {"username": "trasig", "role_by_organisation": {"finns-inte": "admin"}}
    )
    with pytest.raises(KeyError):
        demo_load(data)
    assert Organisation.objects.count() == 0
    assert not User.objects.filter(username="trasig").exists()


def test_demo_activity_with_an_unknown_category_leaves_the_database_unchanged(db):
    data = demo_data()
    data["activities"][0]["categories"].append("finns-inte")
    with pytest.raises(directory_services.DirectoryError, match="finns-inte"):
        demo_load(data, today=DEMO_TODAY)
    for model in (Municipality, Organisation, User, Place, Activity, Schedule, AuditEvent):
        assert model.objects.count() == 0, model.__name__


def test_demo_data_names_no_people():
    """Contacts are roles; staff accounts are named by role, never after a person."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    for user in data["staff_users"]:
        assert "." not in user["username"], user["username"]
    for activity in data["activities"]:
        assert activity["contact_role"], activity["slug"]
    for organisation in data["organisations"]:
        assert organisation["email"].endswith("example.se")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_command_migrates_loads_and_serves(tmp_path):
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAMMANHANG_", "DATABASE_URL", "DJANGO_"))
    }
    env |= {"SAMMANHANG_DEBUG": "true", "SAMMANHANG_DATA_DIR": str(tmp_path / "data")}
    process = subprocess.Popen(
        [sys.executable, "-m", "sammanhang", "demo", "--addr", f"127.0.0.1:{port}"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # Generous: migrating and loading take seconds alone but minutes on a loaded machine.
        deadline = time.monotonic() + 300
        body = ""
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert '<html lang="sv">' in body
        assert "Helsingborg" in body or "Fritidsbanken" in body
        assert (tmp_path / "data" / "sammanhang.sqlite3").exists()
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert f"http://127.0.0.1:{port}/" in output
