"""Statistics of a Fritidsbank (staff, viewer role), national statistics (public), the CSV
downloads and the desk's anonymous visitor counter (editor role).

Thin: ``forms.StatsPeriodForm`` parses the period, ``stats`` reads, ``charts`` draws,
``services`` counts visitors. Every chart is followed by a table of the same figures.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sammanhang.core import clock
from sammanhang.core.tabular import csv_bytes
from sammanhang.lending import services, stats
from sammanhang.lending.access import Role, access_bank_by_slug
from sammanhang.lending.charts import bar_chart
from sammanhang.lending.forms import StatsPeriodForm
from sammanhang.lending.models import ArticleStatus, Bank

# Shown in the stock table, in this order.
STOCK_STATUSES = list(ArticleStatus)
INVENTORY_HEADER = ["ID-nummer", "Kategori", "Underkategori", "Artikel", "Storlek", "Status"]


def period_label(start: date, grouping: stats.Grouping) -> str:
    """How a period is named in charts and tables: a day, "week 49, 2026", a month."""
    if grouping == "week":
        week = start.isocalendar()
        return _("Week %(week)d, %(year)d") % {"week": week.week, "year": week.year}
    if grouping == "month":
        return date_format(start, "YEAR_MONTH_FORMAT")
    return date_format(start, "D j F Y")


def _form(request: HttpRequest) -> StatsPeriodForm:
    data = request.GET.copy()
    data.setdefault("period", StatsPeriodForm.LAST_30)
    return StatsPeriodForm(data, today=clock.today())


def _figures(bank: Bank | None, form: StatsPeriodForm) -> dict[str, Any]:
    """What both pages show for a valid period: the summary, the charts and their tables."""
    start, end, grouping = form.chosen()
    periods = stats.stats_by_period(bank=bank, start=start, end=end, grouping=grouping)
    for_table = [(period_label(row.start, grouping), row) for row in periods]
    categories = stats.stats_by_category(bank=bank, start=start, end=end)
    return {
        "start": start,
        "end": end,
        "grouping": grouping,
        "summary": stats.stats_summary(
            bank=bank,
            start=start,
            end=end,
            today=clock.today(),
            categories=categories,
            periods=periods,
        ),
        "periods": for_table,
        "periods_chart": bar_chart(
            chart_id="chart-loans",
            title=_("Loans (articles) per %(grouping)s, %(start)s to %(end)s")
            % {
                "grouping": _grouping_word(grouping),
                "start": date_format(start),
                "end": date_format(end),
            },
            bars=[(label, row.loans) for label, row in for_table],
        ),
        "categories": categories,
        "categories_chart": bar_chart(
            chart_id="chart-categories",
            title=_("Loans (articles) per category, %(start)s to %(end)s")
            % {"start": date_format(start), "end": date_format(end)},
            bars=[(row.category, row.loans) for row in categories],
        ),
        "stock": stats.stats_stock(bank=bank),
        "stock_statuses": STOCK_STATUSES,
        "never_returned_days": stats.NEVER_RETURNED_DAYS,
        "small_number": stats.SMALL_NUMBER,
    }


def _grouping_word(grouping: stats.Grouping) -> str:
    return {"day": _("day"), "week": _("week"), "month": _("month")}[grouping]


@login_required
def bank_stats(request: HttpRequest, org_slug: str) -> HttpResponse:
    bank, _role = access_bank_by_slug(request.user, org_slug, needed=Role.VIEWER)
    form = _form(request)
    context: dict[str, Any] = {"bank": bank, "organisation": bank.organisation, "form": form}
    if form.is_valid():
        context.update(_figures(bank, form))
        context["csv_query"] = request.GET.urlencode()
    return render(
        request, "lending/stats_bank.html", context, status=200 if form.is_valid() else 400
    )


def national(request: HttpRequest) -> HttpResponse:
    """All banks together and each bank's totals; no per-borrower data, and unique borrowers
    from 1 to 4 at a bank shown as "fewer than 5" (see ``stats.small_number_hidden``)."""
    form = _form(request)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        start, end, grouping = form.chosen()
        # National figures over a year read every loan of the year in the country (1.5 s at a
        # million loans): anyone may ask, so the figures are computed once per period,
        # grouping, language and day, and kept a while. Counted by the day, so a new day
        # starts new figures; a bank's own page is never cached.
        key = ":".join(
            (
                "lending-national",
                translation.get_language() or "sv",
                clock.today().isoformat(),
                start.isoformat(),
                end.isoformat(),
                grouping,
            )
        )
        figures = cache.get_or_set(
            key,
            lambda: _national_figures(form),
            settings.SAMMANHANG_NATIONAL_STATS_CACHE_SECONDS,
        )
        # A timeout of 0 keeps nothing and get_or_set gives back None: compute directly.
        context.update(figures if figures is not None else _national_figures(form))
    return render(
        request, "lending/stats_national.html", context, status=200 if form.is_valid() else 400
    )


def _national_figures(form: StatsPeriodForm) -> dict[str, Any]:
    figures = _figures(None, form)
    start, end, _grouping = form.chosen()
    figures["banks"] = stats.stats_per_bank(start=start, end=end)
    figures["unique_borrowers_shown"] = stats.small_number_hidden(
        figures["summary"].unique_borrowers
    )
    return figures


def _csv_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def bank_stats_csv(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The per-period table of the statistics page as CSV (same GET parameters)."""
    bank, _role = access_bank_by_slug(request.user, org_slug, needed=Role.VIEWER)
    form = _form(request)
    if not form.is_valid():
        return redirect("lending_staff:stats", org_slug=bank.organisation.slug)
    start, end, grouping = form.chosen()
    rows = stats.stats_by_period(bank=bank, start=start, end=end, grouping=grouping)
    content = csv_bytes(
        [_("Period"), _("First day"), _("Loans (articles)"), _("Visits"), _("Visitors")],
        (
            (period_label(r.start, grouping), r.start.isoformat(), r.loans, r.visits, r.visitors)
            for r in rows
        ),
    )
    return _csv_response(
        content, f"statistik-{bank.organisation.slug}-{start.isoformat()}-{end.isoformat()}.csv"
    )


@login_required
def inventory_csv(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The bank's articles in the national Fritidsbanken inventory's shape, one row each.

    Always Swedish (the national inventory's column names and words), whatever the page's
    language: category and subcategory from the equipment taxonomy (a type filed directly
    under a top category has no subcategory), the article type, size and status.
    """
    bank, _role = access_bank_by_slug(request.user, org_slug, needed=Role.VIEWER)
    with translation.override("sv"):
        rows = []
        for article in stats.inventory_rows(bank=bank):
            term = article.type.category
            category, subcategory = (
                (term.parent.name_sv, term.name_sv) if term.parent else (term.name_sv, "")
            )
            status = str(ArticleStatus(article.status).label)
            rows.append(
                [article.code, category, subcategory, article.type.name, article.size, status]
            )
        content = csv_bytes(INVENTORY_HEADER, rows)
    return _csv_response(
        content, f"inventering-{bank.organisation.slug}-{clock.today().isoformat()}.csv"
    )


def _back_to_desk(request: HttpRequest, bank: Bank) -> HttpResponse:
    # The counter is also on the visit screen: go back where the button was pressed.
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("lending_staff:desk_start", org_slug=bank.organisation.slug)


@login_required
@require_POST
def visitor_add(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The desk's "+1 visitor": counts one anonymous visitor today."""
    bank, _role = access_bank_by_slug(request.user, org_slug)
    count = services.visitor_count_add(bank=bank)
    messages.success(request, _("Visitor counted. Visitors today: %(count)d.") % {"count": count})
    return _back_to_desk(request, bank)


@login_required
@require_POST
def visitor_undo(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Take back a press too many (never below zero)."""
    bank, _role = access_bank_by_slug(request.user, org_slug)
    count = services.visitor_count_undo(bank=bank)
    messages.success(
        request, _("One visitor taken back. Visitors today: %(count)d.") % {"count": count}
    )
    return _back_to_desk(request, bank)
