"""Starting a bank, its settings and branches over HTTP: access, each change and each refusal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sammanhang.core.models import AuditEvent
from sammanhang.directory.models import Municipality, Place
from sammanhang.lending.models import Bank, Branch
from sammanhang.lending.tests.test_views import _admin_urls, _member, _url

pytestmark = pytest.mark.django_db

SETTINGS = {
    "loan_days": "14",
    "max_items": "5",
    "reminder_days": "2",
    "overdue_repeat_days": "7",
    "overdue_reminders_max": "3",
    "borrower_retention_months": "12",
    "donation_info": "",
}


@pytest.fixture
def admin(client, bank):
    client.force_login(_member(bank, "boss", "admin"))
    return client


@pytest.fixture
def club(make_organisation):
    """An organisation that is not a bank yet, with an admin ("chair") and a place."""
    organisation = make_organisation("Idrottsföreningen Norr", chair="admin", coach="editor")
    municipality = Municipality.objects.get_or_create(
        code="1283", defaults={"name": "Helsingborg", "slug": "helsingborg"}
    )[0]
    Place.objects.create(
        slug="klubbstugan", name="Klubbstugan", owner=organisation, municipality=municipality
    )
    return organisation


def _start_url(organisation):
    return reverse("lending_staff:bank_start", kwargs={"org_slug": organisation.slug})


def test_strangers_get_404_and_viewers_and_editors_403_on_every_settings_page(
    client, bank, make_user
):
    branch = Branch.objects.create(bank=bank, name="Filial Väster")
    urls = _admin_urls(bank, branch.pk)
    client.force_login(make_user("stranger"))
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, url
    for role in ("viewer", "editor"):
        client.force_login(_member(bank, role, role))
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 403, (role, url)
    client.logout()
    response = client.get(_url("settings", bank))
    assert response.status_code == 302
    assert "/logga-in/" in response["Location"]
    assert Branch.objects.filter(name="Filial Väster").exists()
    assert not AuditEvent.objects.filter(action__startswith="bank.").exists()


def test_start_page_access_for_an_organisation_that_is_not_a_bank(client, club, make_user):
    client.force_login(make_user("stranger"))
    assert client.get(_start_url(club)).status_code == 404
    client.force_login(_member_of(club, "coach"))
    assert client.get(_start_url(club)).status_code == 403
    assert client.post(_start_url(club), {**SETTINGS}).status_code == 403
    client.force_login(_member_of(club, "chair"))
    assert client.get(_start_url(club)).status_code == 200
    # The bank's other pages stay 404 until it is a bank, even for its admin.
    assert (
        client.get(reverse("lending_staff:settings", kwargs={"org_slug": club.slug})).status_code
        == 404
    )


def _member_of(organisation, username):
    from sammanhang.accounts.models import User

    return User.objects.get(username=username)


def test_an_admin_starts_a_bank_and_lands_on_its_settings(client, club):
    client.force_login(_member_of(club, "chair"))
    page = client.get(_start_url(club))
    assert "<h1>Starta utlåning (Fritidsbanken)</h1>" in page.content.decode()
    assert 'name="loan_days" value="14"' in page.content.decode()
    assert "Klubbstugan (inga öppettider än)" in page.content.decode()
    place = Place.objects.get(slug="klubbstugan")
    response = client.post(_start_url(club), {**SETTINGS, "place": place.pk, "loan_days": "21"})
    assert response.status_code == 302
    assert response["Location"] == f"/hantera/{club.slug}/utlan/installningar/"
    bank = Bank.objects.get(organisation=club)
    assert (bank.place, bank.loan_days) == (place, 21)
    assert AuditEvent.objects.filter(action="bank.created", object_id=str(bank.pk)).exists()
    page = client.get(response["Location"])
    assert "Idrottsföreningen Norr lånar nu ut utrustning." in page.content.decode()
    # Starting again leads to the settings instead of a second bank.
    again = client.get(_start_url(club))
    assert again.status_code == 302
    assert again["Location"] == f"/hantera/{club.slug}/utlan/installningar/"


def test_the_start_form_keeps_what_was_typed_and_says_what_is_wrong_in_swedish(client, club):
    client.force_login(_member_of(club, "chair"))
    place = Place.objects.get(slug="klubbstugan")
    response = client.post(
        _start_url(club),
        {
            **SETTINGS,
            "place": place.pk,
            "loan_days": "120",
            "borrower_retention_months": "abc",
            "donation_info": "Lämna i receptionen",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Det finns ett problem" in html
    assert "Skriv ett heltal, till exempel 14." in html
    assert 'name="loan_days" value="120"' in html
    assert 'name="borrower_retention_months" value="abc"' in html
    assert "Lämna i receptionen</textarea>" in html
    assert not Bank.objects.filter(organisation=club).exists()
    # The bounds are the service's: a whole number out of range is refused on its field.
    response = client.post(_start_url(club), {**SETTINGS, "place": place.pk, "loan_days": "120"})
    assert response.status_code == 400
    assert "Lånetiden måste vara från 1 till 90 dagar." in response.content.decode()
    assert 'name="loan_days" value="120"' in response.content.decode()


def test_a_place_of_another_organisation_cannot_be_chosen(client, bank, club):
    client.force_login(_member_of(club, "chair"))
    response = client.post(_start_url(club), {**SETTINGS, "place": bank.place.pk})
    assert response.status_code == 400
    assert "Välj en av organisationens egna platser." in response.content.decode()
    assert not Bank.objects.filter(organisation=club).exists()


def test_without_a_place_the_start_page_says_to_add_one(client, make_organisation):
    organisation = make_organisation("Föreningen Utan Plats", chair="admin")
    client.force_login(_member_of(organisation, "chair"))
    html = client.get(_start_url(organisation)).content.decode()
    assert "Organisationen har ingen plats än." in html
    assert f'href="/hantera/{organisation.slug}/platser/"' in html


def test_the_organisation_page_offers_to_start_lending_to_its_admins(client, club):
    client.force_login(_member_of(club, "chair"))
    html = client.get(f"/hantera/{club.slug}/").content.decode()
    assert f'<a href="/hantera/{club.slug}/utlan/starta/">Starta utlåning (Fritidsbanken)</a>' in (
        html
    )
    client.force_login(_member_of(club, "coach"))
    html = client.get(f"/hantera/{club.slug}/").content.decode()
    assert f"/hantera/{club.slug}/utlan/starta/" not in html


def test_a_banks_admin_finds_the_settings_from_the_organisation_page_and_the_desk(admin, bank):
    slug = bank.organisation.slug
    settings_link = f'href="/hantera/{slug}/utlan/installningar/"'
    assert settings_link in admin.get(f"/hantera/{slug}/").content.decode()
    assert settings_link in admin.get(_url("desk_start", bank)).content.decode()


def test_the_desk_does_not_link_editors_to_the_settings(client, bank):
    client.force_login(_member(bank, "desk", "editor"))
    slug = bank.organisation.slug
    assert f"/hantera/{slug}/utlan/installningar/" not in (
        client.get(_url("desk_start", bank)).content.decode()
    )
    assert f"/hantera/{slug}/utlan/installningar/" not in (
        client.get(f"/hantera/{slug}/").content.decode()
    )


def test_the_settings_page_shows_the_current_settings_and_explains_them(admin, bank):
    bank.loan_days = 21
    bank.save()
    html = admin.get(_url("settings", bank)).content.decode()
    assert "<h1>Inställningar för utlåningen</h1>" in html
    assert 'name="loan_days" value="21"' in html
    assert "Namn och mobilnummer raderas så här många månader efter senaste återlämning." in html
    assert "Platsens öppettider bestämmer återlämningsdagarna" in html
    assert "Banken har inga filialer." in html


def test_changing_the_settings_saves_and_audits_them(admin, bank):
    response = admin.post(
        _url("settings", bank),
        {**SETTINGS, "place": bank.place.pk, "loan_days": "21", "donation_info": "Ring först."},
    )
    assert response.status_code == 302
    bank.refresh_from_db()
    assert (bank.loan_days, bank.donation_info) == (21, "Ring först.")
    event = AuditEvent.objects.get(action="bank.settings_changed")
    assert event.changed_fields == ["donation_info", "loan_days"]
    assert "Inställningarna är sparade." in admin.get(response["Location"]).content.decode()
    # The public page shows the new donation text.
    assert "Ring först." in admin.get(f"/fritidsbanken/{bank.organisation.slug}/").content.decode()


def test_wrong_settings_keep_what_was_typed(admin, bank):
    response = admin.post(
        _url("settings", bank),
        {**SETTINGS, "place": bank.place.pk, "loan_days": "10", "reminder_days": "10"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Påminnelsen måste komma efter utlåningsdagen: välj färre dagar än lånetiden." in html
    assert 'name="loan_days" value="10"' in html
    assert 'name="reminder_days" value="10"' in html
    bank.refresh_from_db()
    assert bank.loan_days == 14


def test_a_branch_is_added_from_the_settings_page(admin, bank):
    response = admin.post(_url("branch_add", bank), {"branch-name": "Filial Väster"})
    assert response.status_code == 302
    assert Branch.objects.get(bank=bank).name == "Filial Väster"
    html = admin.get(response["Location"]).content.decode()
    assert "Filialen Filial Väster är tillagd." in html
    assert "<td>Filial Väster</td>" in html


def test_a_refused_branch_keeps_the_name_typed_on_the_settings_page(admin, bank):
    Branch.objects.create(bank=bank, name="Filial Väster")
    response = admin.post(_url("branch_add", bank), {"branch-name": "filial väster"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Banken har redan en filial som heter filial väster." in html
    assert 'name="branch-name" value="filial väster"' in html
    assert 'href="#id_branch-name"' in html  # the error summary leads to the field
    assert Branch.objects.count() == 1


def test_a_branch_is_renamed_and_removed(admin, bank):
    branch = Branch.objects.create(bank=bank, name="Filial Väster")
    edit = _url("branch_edit", bank, branch_id=branch.pk)
    assert 'value="Filial Väster"' in admin.get(edit).content.decode()
    response = admin.post(edit, {"name": ""})
    assert response.status_code == 400
    assert "Skriv filialens namn." in response.content.decode()
    assert admin.post(edit, {"name": "Filial Öster"}).status_code == 302
    branch.refresh_from_db()
    assert branch.name == "Filial Öster"
    remove = _url("branch_remove", bank, branch_id=branch.pk)
    assert "Ta bort filialen Filial Öster?" in admin.get(remove).content.decode()
    assert Branch.objects.exists()
    response = admin.post(remove)
    assert response.status_code == 302
    assert not Branch.objects.exists()
    assert AuditEvent.objects.filter(action="branch.removed", object_id=str(branch.pk)).exists()


def test_another_banks_branch_is_not_found(admin, bank, make_organisation):
    other = Bank.objects.create(organisation=make_organisation("Annan bank"), place=bank.place)
    branch = Branch.objects.create(bank=other, name="Deras filial")
    assert admin.get(_url("branch_edit", bank, branch_id=branch.pk)).status_code == 404
    assert admin.post(_url("branch_remove", bank, branch_id=branch.pk)).status_code == 404
    assert Branch.objects.filter(pk=branch.pk).exists()
