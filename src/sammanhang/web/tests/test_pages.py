"""The public page shell, as curl sees it (issue 2's acceptance), in both languages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

PUBLIC_PAGES = ["/", "/tillganglighet/", "/personuppgifter/", "/logga-in/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_swedish_page_has_shell(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert re.search(r'<a class="skip-link" href="#main">', html)
    assert '<main id="main"' in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    footer = html.split("<footer", 1)[1]
    assert 'href="/tillganglighet/"' in footer
    assert 'hreflang="en"' in html


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_english_page_is_english_and_links_back_to_the_same_swedish_page(client, db, path):
    response = client.get(f"/en{path}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert (
        f'<a class="site-nav__language" href="{path}" lang="sv" hreflang="sv">Svenska</a>' in html
    )
    assert 'href="/en/tillganglighet/"' in html.split("<footer", 1)[1]


def test_language_switch_keeps_the_query_string(client, db):
    html = client.get("/tillganglighet/?utskrift=1").content.decode()
    assert 'href="/en/tillganglighet/?utskrift=1"' in html


def test_swedish_is_the_default_whatever_the_browser_asks_for(client, db):
    html = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="sv">' in html
    with translation.override("sv"):
        assert translation.gettext("Skip to main content") in html


def test_accessibility_statement_has_what_digg_requires(client, db, settings):
    settings.SAMMANHANG_CONTACT_EMAIL = "tillganglighet@kommun.example.se"
    html = client.get(reverse("web:accessibility")).content.decode()
    with translation.override("sv"):
        for heading in [
            "How accessible is the website?",
            "Report accessibility problems",
            "Enforcement",
            "Content that is not accessible",
            "How we tested the website",
        ]:
            assert translation.gettext(heading) in html
    assert "mailto:tillganglighet@kommun.example.se" in html
    assert "https://www.digg.se/tdosanmalan" in html
    assert "2018:1937" in html
    assert "2026" in html  # the review date


def test_privacy_page_lists_every_retention_rule(client, db):
    from sammanhang.core.retention import registered_rules

    html = client.get(reverse("web:privacy")).content.decode()
    with translation.override("sv"):
        for rule in registered_rules():
            assert str(rule.kept_for) in html


def test_unknown_page_is_a_translated_404_in_the_shell(client, db):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="sv">' in html
    with translation.override("sv"):
        assert translation.gettext("Page not found") in html


def test_pages_work_without_javascript_markup(client, db):
    html = client.get("/").content.decode()
    # The only script is a deferred enhancement; no inline handlers.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/sammanhang/site.js" defer>']
    assert "onclick" not in html


def test_print_stylesheet_and_print_url(client, db):
    html = client.get("/").content.decode()
    assert 'href="/static/sammanhang/print.css" media="print"' in html
    assert 'class="print-only print-url"' in html
    assert "http://testserver/" in html


@pytest.mark.parametrize(
    ("path", "other"), [("/finns-inte/", "/en/finns-inte/"), ("/en/finns-inte/", "/finns-inte/")]
)
def test_language_switch_on_a_missing_page_points_to_the_other_language(client, db, path, other):
    html = client.get(path).content.decode()
    assert f'class="site-nav__language" href="{other}"' in html


def test_home_lists_a_few_publishers_and_counts_many(client, make_organisation, settings):
    from sammanhang.web import views

    settings.LANGUAGE_CODE = "sv"
    make_organisation("Föreningen Gemenskap")
    make_organisation("Aktivitetshuset")
    html = client.get("/").content.decode()
    assert "<li>Aktivitetshuset</li>" in html
    assert "<li>Föreningen Gemenskap</li>" in html
    for number in range(views.HOME_ORGANISATIONS):
        make_organisation(f"Förening {number:02d}")
    many = client.get("/").content.decode()
    # 42 organisations: counted, not listed, so a national directory's page stays small.
    assert "<li>Aktivitetshuset</li>" not in many
    assert f"{views.HOME_ORGANISATIONS + 2} kommunala förvaltningar, föreningar" in many
