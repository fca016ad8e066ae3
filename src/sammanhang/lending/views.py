"""The desk of a Fritidsbank: find or register a borrower, lend, undo, renew, return, receipt.

Thin, in the style of ``directory.views_staff``: ``access`` decides who may work at the desk
(editors; viewers get 403, strangers 404), ``forms`` parse, ``services`` write, ``selectors``
read. Every change is a POST followed by a redirect with a message; a refusal
(``LendingError``) is shown on the form, which keeps what was typed. No JavaScript needed:
the code field submits on Enter, which is what barcode scanners send.

A visit is a UUID in the URL, made when the borrower is found: the loans scanned during it can
be undone, and its receipt lists them.
"""

from __future__ import annotations

import uuid
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from sammanhang.accounts.access import role_allows
from sammanhang.core import clock
from sammanhang.core.images import ImageRejected
from sammanhang.lending import selectors, services, stats
from sammanhang.lending.access import Role, access_bank_by_slug
from sammanhang.lending.barcode import BarcodeError, code128b_svg
from sammanhang.lending.forms import (
    ArticleFilterForm,
    ArticlePhotoForm,
    ArticleStatusForm,
    ArticleTypeForm,
    BorrowerFindForm,
    CheckOutForm,
    DonationForm,
    HoldForm,
    ReceiptEmailForm,
    ReturnForm,
    ReturnScanForm,
    SortedOutForm,
)
from sammanhang.lending.models import Article, Bank, Borrower, Hold, Loan
from sammanhang.lending.receipts import receipt_send_email, receipt_send_sms

GET_POST = require_http_methods(["GET", "POST"])
ARTICLES_PER_PAGE = 100


def _status(form: forms.BaseForm | None) -> int:
    return 400 if form is not None and form.is_bound and form.errors else 200


def _day(day: date) -> str:
    return date_format(day, "l j F")


def _borrower(bank: Bank, borrower_id: int) -> Borrower:
    borrower = selectors.borrower_at_bank(bank=bank, borrower_id=borrower_id)
    if borrower is None:
        raise Http404
    return borrower


def _visit_redirect(bank: Bank, borrower: Borrower, visit: uuid.UUID) -> HttpResponse:
    return redirect(
        "lending_staff:visit", org_slug=bank.organisation.slug, borrower_id=borrower.pk, visit=visit
    )


@login_required
@GET_POST
def desk_start(request: HttpRequest, org_slug: str) -> HttpResponse:
    bank, role = access_bank_by_slug(request.user, org_slug)
    form = BorrowerFindForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # The number is checked first so each refusal lands on the field it is about.
        field = "mobile"
        try:
            services.mobile_normalise(form.cleaned_data["mobile"])
            field = "name"
            borrower = services.borrower_find_or_register(
                bank=bank, mobile=form.cleaned_data["mobile"], name=form.cleaned_data["name"]
            )
        except services.LendingError as exc:
            form.add_error(field, exc.message)
        else:
            messages.success(request, _("Visit started for %(name)s.") % {"name": borrower.name})
            return _visit_redirect(bank, borrower, uuid.uuid4())
    return render(
        request,
        "lending/desk_start.html",
        {
            "bank": bank,
            "organisation": bank.organisation,
            "form": form,
            "visitors_today": stats.visitors_today(bank=bank, today=clock.today()),
            # The desk's start page links admins to the bank's settings (lending/_nav.html).
            "can_administer": role_allows(role, Role.ADMIN),
        },
        status=_status(form),
    )


@login_required
@GET_POST
def visit(request: HttpRequest, org_slug: str, borrower_id: int, visit: uuid.UUID) -> HttpResponse:
    bank, _role = access_bank_by_slug(request.user, org_slug)
    borrower = _borrower(bank, borrower_id)
    loans = list(selectors.borrower_open_loans(borrower=borrower))
    over_limit = len(loans) >= bank.max_items
    form = CheckOutForm(request.POST if request.method == "POST" else None, over_limit=over_limit)
    if request.method == "POST" and form.is_valid():
        try:
            loan = services.loan_check_out(
                actor=request.user,
                bank=bank,
                borrower=borrower,
                code=form.cleaned_data["code"],
                visit_id=visit,
                override_reason=form.cleaned_data.get("override_reason", ""),
            )
        except services.LendingError as exc:
            # Another desk may have brought the borrower to the limit meanwhile: then ask
            # for the reason now, keeping what was typed.
            loans = list(selectors.borrower_open_loans(borrower=borrower))
            if not over_limit and len(loans) >= bank.max_items:
                over_limit = True
                form = CheckOutForm(request.POST, over_limit=True)
                form.is_valid()
            form.add_error("code", exc.message)
        else:
            article = loan.article
            messages.success(
                request,
                _("%(article)s (%(code)s) is lent until %(due)s.")
                % {"article": article.type.name, "code": article.code, "due": _day(loan.due_on)},
            )
            if article.type.needs_guardian_consent:
                messages.warning(
                    request,
                    _("A borrower under 18 needs a guardian's consent for %(article)s.")
                    % {"article": article.type.name},
                )
            if article.type.check_out_prompt:
                messages.warning(
                    request,
                    _("Remember: %(prompt)s") % {"prompt": article.type.check_out_prompt},
                )
            return _visit_redirect(bank, borrower, visit)
    return _visit_render(
        request, bank, borrower, visit, form=form, loans=loans, over_limit=over_limit
    )


def _visit_render(
    request: HttpRequest,
    bank: Bank,
    borrower: Borrower,
    visit: uuid.UUID,
    *,
    form: CheckOutForm | None = None,
    hold_form: HoldForm | None = None,
    loans: list[Loan] | None = None,
    over_limit: bool | None = None,
) -> HttpResponse:
    if loans is None:
        loans = list(selectors.borrower_open_loans(borrower=borrower))
    if over_limit is None:
        over_limit = len(loans) >= bank.max_items
    if form is None:
        form = CheckOutForm(over_limit=over_limit)
    if hold_form is None:
        hold_form = HoldForm(types=selectors.article_types_to_reserve(bank=bank), prefix="hold")
    return render(
        request,
        "lending/visit.html",
        {
            "bank": bank,
            "organisation": bank.organisation,
            "borrower": borrower,
            "visit": visit,
            "loans": loans,
            "holds": list(selectors.borrower_holds(borrower=borrower)),
            "over_limit": over_limit,
            "form": form,
            "hold_form": hold_form,
        },
        status=400 if _status(form) == 400 or _status(hold_form) == 400 else 200,
    )


def _hold_done_text(hold: Hold) -> str:
    what = hold.type.name
    if hold.size:
        what = _("%(item)s in size %(size)s") % {"item": what, "size": hold.size}
    if hold.status == Hold.Status.OFFERED and hold.offered_article is not None:
        return _(
            "%(what)s is reserved, and %(code)s is on the shelf for them now: ready to pick up "
            "by %(date)s."
        ) % {"what": what, "code": hold.offered_article.code, "date": _day(hold.offered_until)}  # type: ignore[arg-type]
    return _("%(what)s is reserved. Place in the queue: %(place)d.") % {
        "what": what,
        "place": selectors.hold_queue_place(hold=hold),
    }


@login_required
@require_POST
def visit_hold_place(
    request: HttpRequest, org_slug: str, borrower_id: int, visit: uuid.UUID
) -> HttpResponse:
    """Reserve a type and size for the borrower in front of the desk."""
    bank, _role = access_bank_by_slug(request.user, org_slug)
    borrower = _borrower(bank, borrower_id)
    hold_form = HoldForm(
        request.POST, types=selectors.article_types_to_reserve(bank=bank), prefix="hold"
    )
    if hold_form.is_valid():
        try:
            hold = services.hold_place(
                bank=bank,
                borrower=borrower,
                type=hold_form.cleaned_data["type"],
                size=hold_form.cleaned_data["size"],
            )
        except services.LendingError as exc:
            hold_form.add_error("type", exc.message)
        else:
            messages.success(request, _hold_done_text(hold))
            return _visit_redirect(bank, borrower, visit)
    return _visit_render(request, bank, borrower, visit, hold_form=hold_form)


def _hold_cancel(request: HttpRequest, bank: Bank, hold: Hold) -> None:
    try:
        services.hold_cancel(hold=hold, actor=request.user)
    except services.LendingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The reservation of %(type)s for %(name)s is cancelled.")
            % {"type": hold.type.name, "name": hold.borrower.name},
        )


@login_required
@require_POST
def visit_hold_cancel(
    request: HttpRequest, org_slug: str, borrower_id: int, visit: uuid.UUID, hold_id: int
) -> HttpResponse:
    bank, _role = access_bank_by_slug(request.user, org_slug)
    borrower = _borrower(bank, borrower_id)
    hold = selectors.hold_at_bank(bank=bank, hold_id=hold_id)
    if hold is None or hold.borrower_id != borrower.pk:
        raise Http404
    _hold_cancel(request, bank, hold)
    return _visit_redirect(bank, borrower, visit)


@login_required
def holds(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The queues per type and size, and the articles kept on the shelf for a reservation."""
    bank, _role = access_bank_by_slug(request.user, org_slug)
    return render(
        request,
        "lending/holds.html",
        {
            "bank": bank,
            "organisation": bank.organisation,
            "waiting": list(selectors.hold_queues(bank=bank)),
            "offered": list(selectors.holds_offered(bank=bank)),
            "today": clock.today(),
        },
    )


@login_required
@require_POST
def hold_cancel(request: HttpRequest, org_slug: str, hold_id: int) -> HttpResponse:
    bank, _role = access_bank_by_slug(request.user, org_slug)
    hold = selectors.hold_at_bank(bank=bank, hold_id=hold_id)
    if hold is None:
        raise Http404
    _hold_cancel(request, bank, hold)
    return redirect("lending_staff:holds", org_slug=bank.organisation.slug)


def _open_loan(
    request: HttpRequest, org_slug: str, borrower_id: int, loan_id: int
) -> tuple[Bank, Borrower, Loan]:
    """The borrower's open loan named in the address, at a bank the user may lend for."""
    bank, _role = access_bank_by_slug(request.user, org_slug)
    borrower = _borrower(bank, borrower_id)
    loan = selectors.loan_open_for_borrower(borrower=borrower, loan_id=loan_id)
    if loan is None:
        raise Http404
    return bank, borrower, loan


@login_required
@require_POST
def loan_undo(
    request: HttpRequest, org_slug: str, borrower_id: int, visit: uuid.UUID, loan_id: int
) -> HttpResponse:
    bank, borrower, loan = _open_loan(request, org_slug, borrower_id, loan_id)
    try:
        services.loan_undo(actor=request.user, loan=loan, visit_id=visit)
    except services.LendingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The scan of %(code)s was undone. The article is available again.")
            % {"code": loan.article.code},
        )
    return _visit_redirect(bank, borrower, visit)


@login_required
@require_POST
def loan_renew(
    request: HttpRequest, org_slug: str, borrower_id: int, visit: uuid.UUID, loan_id: int
) -> HttpResponse:
    bank, borrower, loan = _open_loan(request, org_slug, borrower_id, loan_id)
    try:
        renewed = services.loan_renew(bank=bank, code=loan.article.code)
    except services.LendingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(code)s is renewed until %(due)s.")
            % {"code": loan.article.code, "due": _day(renewed.due_on)},
        )
    return _visit_redirect(bank, borrower, visit)


def _receipt_render(
    request: HttpRequest,
    bank: Bank,
    borrower: Borrower,
    visit: uuid.UUID,
    email_form: ReceiptEmailForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "lending/receipt.html",
        {
            "bank": bank,
            "organisation": bank.organisation,
            "borrower": borrower,
            "visit": visit,
            "loans": selectors.borrower_open_loans(borrower=borrower),
            "today": clock.today(),
            "email_form": email_form or ReceiptEmailForm(),
        },
        status=_status(email_form),
    )


def _receipt_redirect(bank: Bank, borrower: Borrower, visit: uuid.UUID) -> HttpResponse:
    return redirect(
        "lending_staff:receipt",
        org_slug=bank.organisation.slug,
        borrower_id=borrower.pk,
        visit=visit,
    )


@login_required
def receipt(
    request: HttpRequest, org_slug: str, borrower_id: int, visit: uuid.UUID
) -> HttpResponse:
    bank, _role = access_bank_by_slug(request.user, org_slug)
    return _receipt_render(request, bank, _borrower(bank, borrower_id), visit)


@login_required
@require_POST
def receipt_sms(
    request: HttpRequest, org_slug: str, borrower_id: int, visit: uuid.UUID
) -> HttpResponse:
    """The receipt to the borrower's stored mobile number."""
    bank, _role = access_bank_by_slug(request.user, org_slug)
    borrower = _borrower(bank, borrower_id)
    receipt_send_sms(bank=bank, borrower=borrower, today=clock.today())
    messages.success(request, _("The receipt was sent by text message."))
    return _receipt_redirect(bank, borrower, visit)


@login_required
@require_POST
def receipt_email(
    request: HttpRequest, org_slug: str, borrower_id: int, visit: uuid.UUID
) -> HttpResponse:
    """The receipt to an email address typed at the desk, which is used once and not stored
    (the message afterwards does not repeat it either: messages live in the session)."""
    bank, _role = access_bank_by_slug(request.user, org_slug)
    borrower = _borrower(bank, borrower_id)
    form = ReceiptEmailForm(request.POST)
    if not form.is_valid():
        return _receipt_render(request, bank, borrower, visit, email_form=form)
    receipt_send_email(
        bank=bank, borrower=borrower, email=form.cleaned_data["email"], today=clock.today()
    )
    messages.success(request, _("The receipt was sent by email."))
    return _receipt_redirect(bank, borrower, visit)


@login_required
@GET_POST
def loan_return(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Two screens, item by item: scan the code (a GET form), then condition and confirm."""
    bank, _role = access_bank_by_slug(request.user, org_slug)
    context: dict[str, object] = {"bank": bank, "organisation": bank.organisation}
    if request.method == "POST":
        form = ReturnForm(request.POST)
        if form.is_valid():
            try:
                loan = services.loan_return(
                    bank=bank,
                    code=form.cleaned_data["code"],
                    condition=form.cleaned_data["condition"],
                    to_repair=form.cleaned_data["to_repair"],
                )
            except services.LendingError as exc:
                form.add_error(None, exc.message)
            else:
                if form.cleaned_data["to_repair"]:
                    text = _("%(code)s is returned and goes to repair.")
                else:
                    text = _("%(code)s is returned and can be lent again.")
                messages.success(request, text % {"code": loan.article.code})
                return redirect("lending_staff:loan_return", org_slug=bank.organisation.slug)
        article = selectors.article_by_code(bank=bank, code=request.POST.get("code", ""))
        loan_open = article and selectors.loan_open_for_article(article=article)
        context.update(form=form, article=article, loan=loan_open or None)
        return render(request, "lending/return_confirm.html", context, status=400)
    if "code" not in request.GET:
        context["form"] = ReturnScanForm()
        return render(request, "lending/return_scan.html", context)
    scan = ReturnScanForm(request.GET)
    if scan.is_valid():
        article = selectors.article_by_code(bank=bank, code=scan.cleaned_data["code"])
        loan_open = article and selectors.loan_open_for_article(article=article)
        if article is None:
            scan.add_error(
                "code",
                _("No article has the ID number %(code)s.") % {"code": scan.cleaned_data["code"]},
            )
        elif not loan_open:
            scan.add_error("code", _("Article %(code)s is not on loan.") % {"code": article.code})
        else:
            context.update(
                form=ReturnForm(initial={"code": article.code}), article=article, loan=loan_open
            )
            return render(request, "lending/return_confirm.html", context)
    context["form"] = scan
    return render(request, "lending/return_scan.html", context, status=400)


def _label_url(bank: Bank, ids: list[int]) -> str:
    query = urlencode([("id", pk) for pk in ids])
    return f"{reverse('lending_staff:labels', args=[bank.organisation.slug])}?{query}"


@login_required
@GET_POST
def donation_register(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Register a donation: one type, size and condition, then the codes one per line."""
    bank, _role = access_bank_by_slug(request.user, org_slug)
    initial = {"type": request.GET.get("type")} if request.method == "GET" else None
    form = DonationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            articles = services.articles_register(
                actor=request.user,
                bank=bank,
                type=form.cleaned_data["type"],
                codes=form.code_list(),
                size=form.cleaned_data["size"],
                condition=form.cleaned_data["condition"],
                donor=form.cleaned_data["donor"],
            )
        except services.LendingError as exc:
            form.add_error("codes", exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d article is registered. Print its label below.",
                    "%(count)d articles are registered. Print their labels below.",
                    len(articles),
                )
                % {"count": len(articles)},
            )
            return redirect(_label_url(bank, [article.pk for article in articles]))
    return _donation_render(request, bank, form=form)


def _donation_render(
    request: HttpRequest,
    bank: Bank,
    *,
    form: DonationForm | None = None,
    sorted_out_form: SortedOutForm | None = None,
) -> HttpResponse:
    form = form or DonationForm(initial={"type": request.GET.get("type")})
    sorted_out_form = sorted_out_form or SortedOutForm(prefix="sorted")
    return render(
        request,
        "lending/donation.html",
        {
            "bank": bank,
            "organisation": bank.organisation,
            "form": form,
            "sorted_out_form": sorted_out_form,
            "sorted_out_today": stats.sorted_out_today(bank=bank, today=clock.today()),
        },
        status=max(_status(form), _status(sorted_out_form)),
    )


@login_required
@require_POST
def donation_sorted_out(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Count donated things the desk turned away, so statistics show all that came in."""
    bank, _role = access_bank_by_slug(request.user, org_slug)
    form = SortedOutForm(request.POST, prefix="sorted")
    if form.is_valid():
        try:
            count = services.donation_sorted_out_add(bank=bank, items=form.cleaned_data["items"])
        except services.LendingError as exc:
            form.add_error("items", exc.message)
        else:
            messages.success(
                request,
                _("Counted. Things sorted out today: %(count)d.") % {"count": count},
            )
            return redirect("lending_staff:donation_register", org_slug=bank.organisation.slug)
    return _donation_render(request, bank, sorted_out_form=form)


@login_required
@GET_POST
def article_type_new(request: HttpRequest, org_slug: str) -> HttpResponse:
    """A small screen for a type the donation needs but nobody has made yet."""
    bank, _role = access_bank_by_slug(request.user, org_slug)
    form = ArticleTypeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            article_type = services.article_type_create(
                actor=request.user,
                bank=bank,
                category=form.cleaned_data["category"],
                name=form.cleaned_data["name"],
                needs_guardian_consent=form.cleaned_data["needs_guardian_consent"],
                check_out_prompt=form.cleaned_data["check_out_prompt"],
            )
        except services.LendingError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(
                request,
                _("The type %(name)s is created. Now register the donation.")
                % {"name": article_type.name},
            )
            url = reverse("lending_staff:donation_register", args=[bank.organisation.slug])
            return redirect(f"{url}?{urlencode({'type': article_type.pk})}")
    return render(
        request,
        "lending/article_type_form.html",
        {"bank": bank, "organisation": bank.organisation, "form": form},
        status=_status(form),
    )


@login_required
def article_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    bank, _role = access_bank_by_slug(request.user, org_slug)
    form = ArticleFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    articles = selectors.article_list(
        bank=bank,
        status=filters.get("status", ""),
        type=filters.get("type"),
        code=filters.get("q", ""),
    )
    # A bank may hold tens of thousands of articles: a page at a time, filters kept.
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    base_query = request.GET.copy()
    base_query.pop("page", None)
    return render(
        request,
        "lending/article_list.html",
        {
            "bank": bank,
            "organisation": bank.organisation,
            "form": form,
            "page": page,
            "articles": page.object_list,
            "base_query": base_query.urlencode(),
            "filtered": any(filters.values()),
        },
    )


def _article(bank: Bank, article_id: int) -> Article:
    article = selectors.article_at_bank(bank=bank, article_id=article_id)
    if article is None:
        raise Http404
    return article


def _article_detail_render(
    request: HttpRequest,
    bank: Bank,
    article: Article,
    *,
    form: ArticleStatusForm,
    photo_form: ArticlePhotoForm,
) -> HttpResponse:
    return render(
        request,
        "lending/article_detail.html",
        {
            "bank": bank,
            "organisation": bank.organisation,
            "article": article,
            "form": form,
            "photo_form": photo_form,
            "photos": selectors.article_photos(article=article),
            "loan": selectors.loan_open_for_article(article=article),
            "label_url": _label_url(bank, [article.pk]),
        },
        status=400 if form.errors or photo_form.errors else 200,
    )


@login_required
@GET_POST
def article_detail(request: HttpRequest, org_slug: str, article_id: int) -> HttpResponse:
    """An article's page: what it is, its photos with the form to add one, and a form to mark
    it repaired, in repair, retired or missing (``article_status_set``; an article on loan must
    be returned first)."""
    bank, _role = access_bank_by_slug(request.user, org_slug)
    article = _article(bank, article_id)
    form = ArticleStatusForm(
        request.POST if request.method == "POST" else None, initial={"status": article.status}
    )
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_status_set(
                actor=request.user, article=article, status=form.cleaned_data["status"]
            )
        except services.LendingError as exc:
            form.add_error("status", exc.message)
        else:
            messages.success(
                request,
                _("%(code)s is now: %(status)s.")
                % {"code": article.code, "status": article.get_status_display()},
            )
            return redirect("lending_staff:article_detail", bank.organisation.slug, article.pk)
    return _article_detail_render(request, bank, article, form=form, photo_form=ArticlePhotoForm())


@login_required
@require_POST
def article_photo_add(request: HttpRequest, org_slug: str, article_id: int) -> HttpResponse:
    """Upload a photo of the article; a refusal is shown on the article's page, on its field,
    with the description kept."""
    bank, _role = access_bank_by_slug(request.user, org_slug)
    article = _article(bank, article_id)
    photo_form = ArticlePhotoForm(request.POST, request.FILES)
    if photo_form.is_valid():
        try:
            services.article_photo_add(
                actor=request.user,
                article=article,
                upload=photo_form.cleaned_data["image"],
                alt_text=photo_form.cleaned_data["alt_text"],
            )
        except ImageRejected as exc:
            photo_form.add_error("image", str(exc))
        except services.LendingError as exc:
            photo_form.add_error("alt_text", exc.message)
        else:
            messages.success(request, _("The photo was added."))
            return redirect("lending_staff:article_detail", bank.organisation.slug, article.pk)
    form = ArticleStatusForm(initial={"status": article.status})
    return _article_detail_render(request, bank, article, form=form, photo_form=photo_form)


@login_required
@require_POST
def article_photo_remove(
    request: HttpRequest, org_slug: str, article_id: int, photo_id: int
) -> HttpResponse:
    bank, _role = access_bank_by_slug(request.user, org_slug)
    photo = selectors.article_photo_at_bank(bank=bank, article_id=article_id, photo_id=photo_id)
    if photo is None:
        raise Http404
    services.article_photo_remove(actor=request.user, photo=photo)
    messages.success(request, _("The photo was removed."))
    return redirect("lending_staff:article_detail", bank.organisation.slug, article_id)


@login_required
def labels(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Labels to print for the chosen articles (``?id=…&id=…``): barcode, code and type."""
    bank, _role = access_bank_by_slug(request.user, org_slug)
    ids = [int(value) for value in request.GET.getlist("id") if value.isdigit()]
    articles = list(selectors.articles_for_labels(bank=bank, ids=ids))
    for article in articles:
        # Codes are printable ASCII in practice; one that is not gets its label without bars.
        try:
            article.barcode = code128b_svg(article.code)  # type: ignore[attr-defined]
        except BarcodeError:
            article.barcode = ""  # type: ignore[attr-defined]
    return render(
        request,
        "lending/labels.html",
        {"bank": bank, "organisation": bank.organisation, "articles": articles},
    )
