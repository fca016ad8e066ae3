"""The desk pages over HTTP: who may open them, each happy path and each refusal."""

from __future__ import annotations

import uuid

import pytest
from django.urls import resolve, reverse

from sammanhang.accounts import services as account_services
from sammanhang.accounts.models import User
from sammanhang.lending.models import ArticleStatus, Borrower, Condition, Loan
from sammanhang.lending.services import loan_check_out

pytestmark = pytest.mark.django_db


def _member(bank, username, role):
    user = User.objects.create_user(username, password="a-long-enough-test-password")
    account_services.membership_set(
        actor=None, organisation=bank.organisation, user=user, role=role
    )
    return user


@pytest.fixture
def desk(client, bank):
    client.force_login(_member(bank, "desk", "editor"))
    return client


def _url(name, bank, **kwargs):
    return reverse(f"lending_staff:{name}", kwargs={"org_slug": bank.organisation.slug, **kwargs})


def _visit_url(bank, borrower, visit, name="visit", **kwargs):
    return _url(name, bank, borrower_id=borrower.pk, visit=visit, **kwargs)


def _all_urls(bank, borrower, loan):
    visit = loan.visit_id
    return [
        ("get", _url("desk_start", bank)),
        ("get", _visit_url(bank, borrower, visit)),
        ("post", _visit_url(bank, borrower, visit, "loan_undo", loan_id=loan.pk)),
        ("post", _visit_url(bank, borrower, visit, "loan_renew", loan_id=loan.pk)),
        ("get", _visit_url(bank, borrower, visit, "receipt")),
        ("get", _url("loan_return", bank)),
        ("get", _url("donation_register", bank)),
        ("post", _url("donation_register", bank)),
        ("get", _url("article_type_new", bank)),
        ("post", _url("article_type_new", bank)),
        ("get", _url("article_list", bank)),
        ("get", _url("article_detail", bank, article_id=loan.article_id)),
        ("post", _url("article_detail", bank, article_id=loan.article_id)),
        ("post", _url("article_photo_add", bank, article_id=loan.article_id)),
        (
            "post",
            _url("article_photo_remove", bank, article_id=loan.article_id, photo_id=1),
        ),
        ("get", _url("labels", bank) + f"?id={loan.article_id}"),
        ("post", _visit_url(bank, borrower, visit, "visit_hold_place")),
        ("post", _visit_url(bank, borrower, visit, "visit_hold_cancel", hold_id=1)),
        ("post", _visit_url(bank, borrower, visit, "receipt_sms")),
        ("post", _visit_url(bank, borrower, visit, "receipt_email")),
        ("get", _url("holds", bank)),
        ("post", _url("hold_cancel", bank, hold_id=1)),
        ("post", _url("visitor_add", bank)),
        ("post", _url("donation_sorted_out", bank)),
        ("post", _url("visitor_undo", bank)),
    ]


def _viewer_urls(bank):
    """Pages for the viewer role too (statistics); their access test is in test_views_stats."""
    return [
        ("get", _url("stats", bank)),
        ("get", _url("stats_csv", bank)),
        ("get", _url("inventory_csv", bank)),
    ]


def _admin_urls(bank, branch_id=1):
    """Pages for the bank's admins only (settings, branches, starting a bank); their access
    test is in test_views_settings."""
    return [
        ("get", _url("bank_start", bank)),
        ("post", _url("bank_start", bank)),
        ("get", _url("settings", bank)),
        ("post", _url("settings", bank)),
        ("post", _url("branch_add", bank)),
        ("get", _url("branch_edit", bank, branch_id=branch_id)),
        ("post", _url("branch_edit", bank, branch_id=branch_id)),
        ("get", _url("branch_remove", bank, branch_id=branch_id)),
        ("post", _url("branch_remove", bank, branch_id=branch_id)),
    ]


def test_every_desk_url_is_in_the_access_test(bank, borrower, make_article):
    # A new desk page fails here until it is added to _all_urls (and so to the access test).
    from django.urls import get_resolver

    loan = loan_check_out(
        actor=None,
        bank=bank,
        borrower=borrower,
        code=make_article("S1").code,
        visit_id=uuid.uuid4(),
    )
    names = {
        getattr(p, "name", None)
        for p in get_resolver().namespace_dict["lending_staff"][1].url_patterns
    }
    covered = {
        resolve(url.split("?")[0]).url_name
        for _method, url in _all_urls(bank, borrower, loan) + _viewer_urls(bank) + _admin_urls(bank)
    }
    assert names == covered


def test_strangers_get_404_and_viewers_403_on_every_desk_page(
    client, bank, borrower, make_article, make_user
):
    loan = loan_check_out(
        actor=None,
        bank=bank,
        borrower=borrower,
        code=make_article("S1").code,
        visit_id=uuid.uuid4(),
    )
    client.force_login(make_user("stranger"))
    for method, url in _all_urls(bank, borrower, loan):
        assert getattr(client, method)(url).status_code == 404, url
    client.force_login(_member(bank, "reader", "viewer"))
    for method, url in _all_urls(bank, borrower, loan):
        assert getattr(client, method)(url).status_code == 403, url
    client.logout()
    response = client.get(_url("desk_start", bank))
    assert response.status_code == 302
    assert "/logga-in/" in response["Location"]
    assert Loan.objects.filter(returned_at__isnull=True).count() == 1


def test_another_banks_borrower_is_not_found(desk, bank, make_organisation):
    from sammanhang.lending.models import Bank

    other_org = make_organisation("Fritidsbanken Norr")
    other = Bank.objects.create(organisation=other_org, place=bank.place)
    stranger = Borrower.objects.create(
        bank=other, name="Nils", mobile="+46709999999", last_activity_at=bank.place.created_at
    )
    assert desk.get(_visit_url(bank, stranger, uuid.uuid4())).status_code == 404


def test_desk_start_registers_a_new_borrower_and_starts_a_visit(desk, bank):
    response = desk.post(_url("desk_start", bank), {"mobile": "070-555 12 34", "name": "Saga"})
    borrower = Borrower.objects.get(bank=bank)
    assert (borrower.name, borrower.mobile) == ("Saga", "+46705551234")
    assert response.status_code == 302
    assert (
        f"/hantera/{bank.organisation.slug}/utlan/lantagare/{borrower.pk}/besok/"
        in (response["Location"])
    )
    page = desk.get(response["Location"])
    assert "Besöket för Saga har börjat." in page.content.decode()
    assert "Utlån till Saga" in page.content.decode()


def test_desk_start_finds_a_known_borrower_by_number_however_written(desk, bank, borrower):
    response = desk.post(_url("desk_start", bank), {"mobile": "+46 70 123 45 67", "name": ""})
    assert response.status_code == 302
    assert f"/lantagare/{borrower.pk}/besok/" in response["Location"]
    assert Borrower.objects.count() == 1


def test_desk_start_refusals_say_what_to_do_and_keep_what_was_typed(desk, bank):
    response = desk.post(_url("desk_start", bank), {"mobile": "0701112233", "name": ""})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Ingen låntagare har det här numret ännu. Skriv ett namn för att registrera" in content
    assert 'value="0701112233"' in content
    response = desk.post(_url("desk_start", bank), {"mobile": "hej", "name": "Saga"})
    assert response.status_code == 400
    assert "Ange ett mobilnummer, till exempel 070-123 45 67." in response.content.decode()
    assert 'value="Saga"' in response.content.decode()
    assert not Borrower.objects.exists()


def test_check_out_lends_shows_the_prompt_and_the_due_date(desk, bank, borrower, make_article):
    make_article("S1")
    url = _visit_url(bank, borrower, uuid.uuid4())
    response = desk.post(url, {"code": " S1 "}, follow=True)
    loan = Loan.objects.get()
    assert loan.article.status == ArticleStatus.ON_LOAN
    content = response.content.decode()
    assert "Hockeyskridskor (S1) är utlånad till" in content
    assert "Kom ihåg: Kontrollera att skridskorna är slipade" in content
    assert loan.due_on.strftime("%-d") in content
    assert "Ångra skanningen av S1" in content


def test_check_out_refusal_keeps_the_code(desk, bank, borrower, make_article):
    make_article("S1", status=ArticleStatus.IN_REPAIR)
    response = desk.post(_visit_url(bank, borrower, uuid.uuid4()), {"code": "S1"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Artikel S1 är på reparation och kan inte lånas ut." in content
    assert 'value="S1"' in content
    response = desk.post(_visit_url(bank, borrower, uuid.uuid4()), {"code": "NOPE"})
    assert "Ingen artikel har ID-numret NOPE." in response.content.decode()
    assert not Loan.objects.exists()


def test_item_limit_refuses_then_a_reason_overrides_it(desk, bank, borrower, make_article):
    bank.max_items = 1
    bank.save()
    make_article("S1")
    make_article("S2")
    url = _visit_url(bank, borrower, uuid.uuid4())
    desk.post(url, {"code": "S1"})
    response = desk.post(url, {"code": "S2"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Alva Berg har redan 1 saker utlånade och gränsen är 1." in content
    assert 'name="override_reason"' in content
    assert Loan.objects.count() == 1
    response = desk.post(url, {"code": "S2", "override_reason": "Två barn på samma nummer"})
    assert response.status_code == 302
    loan = Loan.objects.get(article__code="S2")
    assert loan.override_reason == "Två barn på samma nummer"
    assert loan.override_by is not None
    assert loan.override_by.username == "desk"


def test_undo_within_the_visit_and_refused_in_another(desk, bank, borrower, make_article):
    make_article("S1")
    visit = uuid.uuid4()
    desk.post(_visit_url(bank, borrower, visit), {"code": "S1"})
    loan = Loan.objects.get()
    other_visit = uuid.uuid4()
    response = desk.post(
        _visit_url(bank, borrower, other_visit, "loan_undo", loan_id=loan.pk), follow=True
    )
    assert "Lånet kan inte längre ångras. Ta emot artikeln som återlämnad i stället." in (
        response.content.decode()
    )
    assert "Ångra skanningen av S1" not in response.content.decode()
    assert Loan.objects.exists()
    response = desk.post(
        _visit_url(bank, borrower, visit, "loan_undo", loan_id=loan.pk), follow=True
    )
    assert "Skanningen av S1 är ångrad. Artikeln kan lånas ut igen." in response.content.decode()
    assert not Loan.objects.exists()
    assert desk.get(_visit_url(bank, borrower, visit, "loan_undo", loan_id=1)).status_code == 405


def test_renew_gives_a_new_due_date_and_refuses_when_reserved(
    desk, bank, borrower, make_article, skates
):
    from sammanhang.lending.services import borrower_find_or_register, hold_place

    make_article("S1")
    visit = uuid.uuid4()
    desk.post(_visit_url(bank, borrower, visit), {"code": "S1"})
    loan = Loan.objects.get()
    response = desk.post(
        _visit_url(bank, borrower, visit, "loan_renew", loan_id=loan.pk), follow=True
    )
    loan.refresh_from_db()
    assert loan.renewed_count == 1
    assert "S1 är förlängd till" in response.content.decode()
    other = borrower_find_or_register(bank=bank, mobile="0702223344", name="Ebba")
    hold_place(bank=bank, borrower=other, type=skates, size="38")
    response = desk.post(
        _visit_url(bank, borrower, visit, "loan_renew", loan_id=loan.pk), follow=True
    )
    assert "Någon har reserverat den här sortens artikel" in response.content.decode()
    loan.refresh_from_db()
    assert loan.renewed_count == 1


def test_receipt_lists_the_loans_and_due_dates(desk, bank, borrower, make_article):
    make_article("S1")
    visit = uuid.uuid4()
    desk.post(_visit_url(bank, borrower, visit), {"code": "S1"})
    loan = Loan.objects.get()
    content = desk.get(_visit_url(bank, borrower, visit, "receipt")).content.decode()
    assert "Kvitto från Fritidsbanken Söder" in content
    assert "Alva Berg" in content
    assert "S1" in content
    assert str(loan.due_on.year) in content


def test_return_scan_then_confirm_with_condition_and_repair(desk, bank, borrower, make_article):
    make_article("S1")
    desk.post(_visit_url(bank, borrower, uuid.uuid4()), {"code": "S1"})
    url = _url("loan_return", bank)
    assert "Återlämning: skanna artikeln" in desk.get(url).content.decode()
    confirm = desk.get(url, {"code": "S1"})
    assert confirm.status_code == 200
    content = confirm.content.decode()
    assert "Alva Berg" in content
    assert 'name="condition"' in content
    assert 'name="to_repair"' in content
    response = desk.post(
        url, {"code": "S1", "condition": Condition.BROKEN, "to_repair": "on"}, follow=True
    )
    assert "S1 är återlämnad och går till reparation." in response.content.decode()
    loan = Loan.objects.get()
    assert loan.returned_at is not None
    assert loan.condition_on_return == Condition.BROKEN
    assert loan.article.status == ArticleStatus.IN_REPAIR


def test_return_refusals(desk, bank, make_article):
    make_article("S1")
    url = _url("loan_return", bank)
    response = desk.get(url, {"code": "S1"})
    assert response.status_code == 400
    assert "Artikel S1 är inte utlånad." in response.content.decode()
    assert 'value="S1"' in response.content.decode()
    response = desk.get(url, {"code": "X9"})
    assert "Ingen artikel har ID-numret X9." in response.content.decode()
    response = desk.post(url, {"code": "S1", "condition": "good"})
    assert response.status_code == 400
    assert "Artikel S1 är inte utlånad." in response.content.decode()
    response = desk.post(url, {"code": "S1"})
    assert "Välj artikelns skick." in response.content.decode()


def test_the_organisation_page_links_to_the_desk_for_editors_of_a_bank_only(
    client, bank, make_organisation
):
    page = reverse("accounts:organisation_detail", args=[bank.organisation.slug])
    desk_url = _url("desk_start", bank)
    client.force_login(_member(bank, "desk", "editor"))
    content = client.get(page).content.decode()
    assert f'href="{desk_url}"' in content
    assert "Utlåningsdisken" in content
    client.force_login(_member(bank, "reader", "viewer"))
    content = client.get(page).content.decode()
    assert f'href="{desk_url}"' not in content
    # Viewers read the statistics.
    assert f'href="{_url("stats", bank)}"' in content
    other = make_organisation("Föreningen", boss="editor")
    client.force_login(User.objects.get(username="boss"))
    response = client.get(reverse("accounts:organisation_detail", args=[other.slug]))
    assert response.status_code == 200
    assert "/utlan/" not in response.content.decode()


def test_check_out_of_safety_gear_reminds_of_the_guardians_consent(
    desk, bank, borrower, make_article, skates
):
    helmet_type = type(skates).objects.create(
        category=skates.category, name="Hjälm", needs_guardian_consent=True
    )
    make_article("H1", type=helmet_type, size="M")
    response = desk.post(_visit_url(bank, borrower, uuid.uuid4()), {"code": "H1"}, follow=True)
    content = response.content.decode()
    assert "En låntagare under 18 år behöver en vårdnadshavares samtycke för Hjälm." in content
    assert "Kom ihåg" not in content


def test_a_limit_reached_at_another_desk_asks_for_the_reason_on_the_next_scan(
    desk, bank, borrower, make_article
):
    bank.max_items = 1
    bank.save()
    make_article("S1")
    make_article("S2")
    url = _visit_url(bank, borrower, uuid.uuid4())
    form_page = desk.get(url).content.decode()
    assert 'name="override_reason"' not in form_page
    # Meanwhile another desk lends S1 to the same borrower.
    loan_check_out(actor=None, bank=bank, borrower=borrower, code="S1", visit_id=uuid.uuid4())
    response = desk.post(url, {"code": "S2"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "gränsen är 1" in content
    assert 'name="override_reason"' in content
    assert 'value="S2"' in content
