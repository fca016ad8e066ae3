"""Provider pages through the test client: forms, confirmations, errors in Swedish, and what
the public then sees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sammanhang.accounts.models import Membership, User
from sammanhang.directory.models import (
    Activity,
    Occurrence,
    Place,
    PlaceClosure,
    PlacePhoto,
    Schedule,
)


@pytest.fixture
def editor(directory, client):
    organisation = directory["organisation"]
    user = User.objects.create_user("eva.editor", password="a-long-enough-test-password")
    Membership.objects.create(user=user, organisation=organisation, role="editor")
    client.force_login(user)
    return organisation


def staff_url(name, organisation, *args):
    return reverse(f"directory_staff:{name}", args=[organisation.slug, *args])


ACTIVITY_POST = {
    "title": "Stickcafé",
    "summary": "Vi stickar och pratar",
    "description": "Ta med garn.",
    "easy_read": "Vi stickar. Alla får vara med.",
    "categories": ["motesplats"],
    "target_groups": ["aldre"],
    "age_min": "60",
    "age_max": "",
    "languages": "sv, fi",
    "is_free": "on",
    "price": "",
    "companion_free": "yes",
    "companion_terms": "Med ledsagarkort",
    "drop_in": "on",
    "capacity": "12",
    "contact_role": "Aktivitetsledare",
    "contact_email": "info@example.se",
    "contact_phone": "",
    "other_places": "",
    "feature_lugn-miljo": "yes",
}


def test_create_activity_stores_every_field_as_draft(client, editor, directory):
    place = directory["places"]["soder"]
    response = client.post(
        staff_url("activity_create", editor), {**ACTIVITY_POST, "places": [place.pk]}
    )
    activity = Activity.objects.get(title="Stickcafé")
    assert response.status_code == 302
    assert response["Location"] == staff_url("activity_detail", editor, activity.uuid)
    assert activity.status == "draft"
    assert activity.slug == "stickcafe"
    assert activity.companion_terms == "Med ledsagarkort"
    assert activity.age_min == 60
    assert activity.capacity == 12
    assert sorted(activity.languages.values_list("code", flat=True)) == ["fi", "sv"]
    assert list(activity.places.all()) == [place]
    assert list(activity.categories.values_list("code", flat=True)) == ["motesplats"]
    assert dict(activity.features.values_list("term__code", "value")) == {"lugn-miljo": "yes"}
    page = client.get(response["Location"]).content.decode()
    assert "Aktiviteten sparades som utkast." in page


def test_invalid_activity_keeps_input_and_explains_in_swedish(client, editor):
    response = client.post(
        staff_url("activity_create", editor),
        {
            **ACTIVITY_POST,
            "title": "",
            "is_free": "",
            "languages": "svenska",
            "age_min": "70",
            "age_max": "20",
        },
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "<title>Fel:" in content
    assert "Skriv aktivitetens rubrik." in content
    assert "Skriv priset, eller kryssa i gratis." in content
    assert "svenska är inte en språkkod med två bokstäver (ISO 639-1)." in content
    assert "Högsta ålder får inte vara lägre än lägsta ålder." in content
    assert 'value="Med ledsagarkort"' in content
    assert "Vi stickar och pratar</textarea>" in content
    assert not Activity.objects.filter(summary="Vi stickar och pratar").exists()


def test_unknown_other_place_is_a_form_error(client, editor):
    response = client.post(
        staff_url("activity_create", editor), {**ACTIVITY_POST, "other_places": "finns-inte"}
    )
    assert response.status_code == 400
    assert "Det finns ingen plats med adressnamnet finns-inte." in response.content.decode()


def test_shared_place_of_another_organisation_can_be_chosen(
    client, editor, make_organisation, directory
):
    other = make_organisation("Kyrkan")
    shared = Place.objects.create(
        slug="kyrksalen",
        name="Kyrksalen",
        owner=other,
        municipality=directory["places"]["soder"].municipality,
    )
    response = client.post(
        staff_url("activity_create", editor),
        {**ACTIVITY_POST, "other_places": "https://example.se/platser/kyrksalen/"},
    )
    assert response.status_code == 302
    assert list(Activity.objects.get(title="Stickcafé").places.all()) == [shared]


def test_edit_changes_title_and_the_finder_finds_it(client, editor, directory):
    activity = directory["activities"]["kvallsfika"]
    page = client.get(staff_url("activity_edit", editor, activity.uuid)).content.decode()
    assert 'value="Kvällsfika"' in page
    data = {
        **ACTIVITY_POST,
        "title": "Kvällsstickning",
        "places": [directory["places"]["soder"].pk],
    }
    response = client.post(staff_url("activity_edit", editor, activity.uuid), data)
    assert response.status_code == 302
    finder = client.get(reverse("directory:finder"), {"q": "kvällsstickning"}).content.decode()
    assert "Kvällsstickning" in finder
    assert (
        "Kvällsfika"
        not in client.get(reverse("directory:finder"), {"q": "kvällsfika"}).content.decode()
    )


def test_publish_asks_for_confirmation_then_publishes(client, editor, directory):
    draft = directory["activities"]["utkast"]
    url = staff_url("activity_status", editor, draft.uuid, "publicera")
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Aktiviteten visas i den publika sökningen." in confirm.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    response = client.post(url)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    assert client.get(reverse("directory:activity", args=[draft.slug])).status_code == 200
    client.post(staff_url("activity_status", editor, draft.uuid, "avpublicera"))
    assert client.get(reverse("directory:activity", args=[draft.slug])).status_code == 404


def test_cancel_activity_is_shown_on_the_public_page(client, editor, directory):
    activity = directory["activities"]["kvallsfika"]
    client.post(staff_url("activity_status", editor, activity.uuid, "stall-in"))
    page = client.get(reverse("directory:activity", args=[activity.slug])).content.decode()
    assert "Aktiviteten är inställd." in page


def test_unknown_status_action_is_404(client, editor, directory):
    activity = directory["activities"]["kvallsfika"]
    assert (
        client.post(staff_url("activity_status", editor, activity.uuid, "radera")).status_code
        == 404
    )


def test_cancelled_occurrence_shows_on_the_public_page_with_the_reason(client, editor, directory):
    activity = directory["activities"]["kvallsfika"]
    occurrence = Occurrence.objects.filter(activity=activity, starts_at__gt=timezone.now())[0]
    url = staff_url(
        "occurrence_cancel",
        editor,
        activity.uuid,
        occurrence.schedule_id,
        occurrence.date.isoformat(),
    )
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 400
    assert "Skriv varför det är inställt; orsaken visas för allmänheten." in empty.content.decode()
    response = client.post(url, {"reason": "Ledaren är sjuk"})
    assert response.status_code == 302
    page = client.get(reverse("directory:activity", args=[activity.slug])).content.decode()
    assert "Inställt:" in page
    assert "Ledaren är sjuk" in page
    assert Occurrence.objects.get(
        pk__isnull=False, activity=activity, date=occurrence.date
    ).cancelled


def test_cancel_link_for_a_date_without_a_session_is_404(client, editor, directory):
    activity = directory["activities"]["kvallsfika"]
    schedule = activity.schedules.get()
    for day in ["2026-02-30", "inte-ett-datum", "2099-01-01"]:
        url = staff_url("occurrence_cancel", editor, activity.uuid, schedule.pk, day)
        assert client.get(url).status_code == 404


def test_extra_date_is_added_and_shown(client, editor, directory):
    activity = directory["activities"]["kvallsfika"]
    schedule = activity.schedules.get()
    day = timezone.localdate() + timedelta(days=3)
    while day.isoweekday() == 2:
        day += timedelta(days=1)
    response = client.post(
        staff_url("extra_date_add", editor, activity.uuid, schedule.pk),
        {"date": day.isoformat(), "opens_at": "", "closes_at": "", "reason": "Höstlov"},
    )
    assert response.status_code == 302
    extra = Occurrence.objects.get(activity=activity, date=day)
    assert extra.note == "Höstlov"
    assert (
        "Höstlov"
        in client.get(reverse("directory:activity", args=[activity.slug])).content.decode()
    )


def test_weekly_schedule_through_the_form(client, editor, directory):
    activity = directory["activities"]["utkast"]
    start = timezone.localdate()
    response = client.post(
        staff_url("schedule_create", editor, activity.uuid),
        {
            "freq": "WEEKLY",
            "weekdays": ["1", "4"],
            "interval": "2",
            "opens_at": "09:30",
            "closes_at": "11:00",
            "valid_from": start.isoformat(),
            "valid_to": "",
            "place": directory["places"]["soder"].pk,
        },
    )
    assert response.status_code == 302
    schedule = Schedule.objects.filter(activity=activity).exclude(byday="TU").get()
    assert (schedule.byday, schedule.interval) == ("MO,TH", 2)
    weekdays = set(Occurrence.objects.filter(schedule=schedule).values_list("weekday", flat=True))
    assert weekdays == {1, 4}
    edit = client.get(
        staff_url("schedule_edit", editor, activity.uuid, schedule.pk)
    ).content.decode()
    assert 'value="09:30"' in edit
    assert 'value="4" id="id_weekdays_3" checked' in edit


def test_monthly_schedule_through_the_form(client, editor, directory):
    activity = directory["activities"]["utkast"]
    response = client.post(
        staff_url("schedule_create", editor, activity.uuid),
        {
            "freq": "MONTHLY",
            "nth": "1",
            "month_weekday": "6",
            "interval": "1",
            "opens_at": "10:00",
            "closes_at": "12:00",
            "valid_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    schedule = Schedule.objects.get(activity=activity, freq="MONTHLY")
    assert schedule.byday == "1SA"
    dates = Occurrence.objects.filter(schedule=schedule).values_list("date", flat=True)
    assert dates
    assert all(d.isoweekday() == 6 and d.day <= 7 for d in dates)


def test_invalid_schedule_keeps_input_and_explains(client, editor, directory):
    activity = directory["activities"]["utkast"]
    response = client.post(
        staff_url("schedule_create", editor, activity.uuid),
        {
            "freq": "WEEKLY",
            "interval": "1",
            "opens_at": "19:00",
            "closes_at": "18:00",
            "valid_from": "2026-13-01",
        },
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "Välj minst en veckodag." in content
    assert "Sluttiden måste vara efter starttiden." in content
    assert "Skriv datumet som år-månad-dag, till exempel 2026-03-29." in content
    assert 'value="19:00"' in content
    assert Schedule.objects.filter(activity=activity).count() == 1


def test_schedule_delete_confirms_then_deletes(client, editor, directory):
    activity = directory["activities"]["kvallsfika"]
    schedule = activity.schedules.get()
    url = staff_url("schedule_delete", editor, activity.uuid, schedule.pk)
    assert client.get(url).status_code == 200
    assert Schedule.objects.filter(pk=schedule.pk).exists()
    assert client.post(url).status_code == 302
    assert not Schedule.objects.filter(pk=schedule.pk).exists()


def test_stale_activities_are_marked_and_can_be_listed_alone(client, editor, directory):
    old = timezone.now() - timedelta(days=200)
    Activity.objects.filter(slug="dagcafe").update(updated_at=old)
    page = client.get(staff_url("activity_list", editor)).content.decode()
    assert page.count("Inte uppdaterad på sex månader</strong>") == 1
    assert "Kvällsfika" in page
    stale = client.get(staff_url("activity_list", editor), {"stale": "on"}).content.decode()
    assert "Dagcafé" in stale
    assert "Kvällsfika" not in stale


def test_activity_list_runs_the_same_queries_whatever_its_length(
    client, editor, directory, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = staff_url("activity_list", editor)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(5):
        Activity.objects.create(
            organisation=editor, slug=f"extra-{number}", title=f"Extra {number}", summary="x"
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_place_create_and_edit(client, editor, directory):
    municipality = directory["places"]["soder"].municipality
    district = directory["places"]["soder"].district
    data = {
        "name": "Parkhuset",
        "municipality": municipality.pk,
        "district": district.pk,
        "street_address": "Parkvägen 1",
        "postal_code": "252 20",
        "city": "Helsingborg",
        "latitude": "56.05",
        "longitude": "12.70",
        "how_to_get_there": "Buss 1 till Parken",
        "description": "",
        "feature_rullstol": "yes",
        "feature_hiss": "no",
    }
    response = client.post(staff_url("place_create", editor), data)
    assert response.status_code == 302
    place = Place.objects.get(name="Parkhuset")
    assert place.owner == editor
    assert dict(place.features.values_list("term__code", "value")) == {
        "rullstol": "yes",
        "hiss": "no",
    }
    response = client.post(
        staff_url("place_edit", editor, place.uuid), {**data, "name": "Parkhuset Norr"}
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.name == "Parkhuset Norr"


def test_invalid_place_keeps_input(client, editor, directory):
    response = client.post(
        staff_url("place_create", editor),
        {
            "name": "",
            "municipality": directory["places"]["soder"].municipality.pk,
            "street_address": "Torget 3",
            "latitude": "norr",
            "longitude": "",
        },
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "Skriv platsens namn." in content
    assert "Skriv latituden som ett decimaltal, t.ex. 56.0465." in content
    assert 'value="Torget 3"' in content


def test_closure_through_the_page_cancels_the_session_publicly(client, editor, directory):
    place = directory["places"]["soder"]
    activity = directory["activities"]["kvallsfika"]
    day = Occurrence.objects.filter(activity=activity, starts_at__gt=timezone.now())[0].date
    response = client.post(
        staff_url("place_closures", editor, place.uuid),
        {"date": day.isoformat(), "reason": "Vattenläcka"},
    )
    assert response.status_code == 302
    page = client.get(reverse("directory:activity", args=[activity.slug])).content.decode()
    assert "Vattenläcka" in page
    closure = PlaceClosure.objects.get(place=place)
    client.post(staff_url("place_closure_remove", editor, place.uuid, closure.pk))
    assert not Occurrence.objects.get(activity=activity, date=day).cancelled


def test_opening_hours_through_the_page(client, editor, directory):
    place = directory["places"]["soder"]
    url = staff_url("place_hours", editor, place.uuid)
    bad = client.post(url, {"weekday": "1", "opens_at": "15:00", "closes_at": "09:00"})
    assert bad.status_code == 400
    assert "Stängningstiden måste vara efter öppningstiden." in bad.content.decode()
    good = client.post(
        url,
        {
            "weekday": "1",
            "opens_at": "09:00",
            "closes_at": "15:00",
            "valid_from": "2030-06-01",
            "valid_to": "2030-08-31",
        },
    )
    assert good.status_code == 302
    assert place.opening_hours.get().valid_to.isoformat() == "2030-08-31"


def test_photo_needs_a_text_alternative(client, editor, directory, picture):
    place = directory["places"]["soder"]
    url = staff_url("place_photos", editor, place.uuid)
    response = client.post(url, {"image": picture(), "alt_text": ""})
    assert response.status_code == 400
    assert "Beskriv vad bilden visar" in response.content.decode()
    response = client.post(url, {"image": picture(), "alt_text": "Entrén med ramp"})
    assert response.status_code == 302
    photo = PlacePhoto.objects.get(place=place)
    assert photo.alt_text == "Entrén med ramp"
    client.post(staff_url("place_photo_remove", editor, place.uuid, photo.uuid))
    assert not PlacePhoto.objects.exists()


def test_logo_upload_and_removal(client, editor, picture):
    url = staff_url("organisation_logo", editor)
    fake = SimpleUploadedFile("logo.png", b"not a picture at all", content_type="image/png")
    not_a_picture = client.post(url, {"logo": fake})
    assert not_a_picture.status_code == 400
    assert "Filen är inte en bild vi kan använda." in not_a_picture.content.decode()
    response = client.post(url, {"logo": picture(fmt="PNG", name="logo.png")})
    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.logo
    client.post(url, {"action": "remove"})
    editor.refresh_from_db()
    assert not editor.logo


def test_viewer_sees_no_edit_controls(client, directory):
    organisation = directory["organisation"]
    user = User.objects.create_user("vera.viewer", password="a-long-enough-test-password")
    Membership.objects.create(user=user, organisation=organisation, role="viewer")
    client.force_login(user)
    activity = directory["activities"]["kvallsfika"]
    page = client.get(staff_url("activity_detail", organisation, activity.uuid)).content.decode()
    assert "Kvällsfika" in page
    assert "Ändra aktiviteten" not in page
    assert "Ställ in det här tillfället" not in page
