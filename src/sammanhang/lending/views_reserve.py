"""Reserving from home (no login): choose a type and size, give a name and a mobile number,
type back the code sent by SMS, and the reservation is placed.

The code (``reserve_codes``) proves the number belongs to the person: only then is the
borrower found or registered and ``services.hold_place`` called. Whether a number already has
a reservation is told only after the code, so the page reveals nothing about someone else's
number. Works without JavaScript; refusals are shown on the field and what was typed stays.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sammanhang.core import clock
from sammanhang.core.messaging import sms_send
from sammanhang.lending import reserve_codes, selectors, services
from sammanhang.lending.forms import ReserveCodeForm, ReserveForm
from sammanhang.lending.models import ArticleType, Bank, Hold

GET_POST = require_http_methods(["GET", "POST"])
# Only the id of the reservation just made, so its page can be shown again on reload.
DONE_KEY = "lending_reserve_done"


def _bank(org_slug: str) -> Bank:
    bank = (
        Bank.objects.select_related("organisation", "place")
        .filter(organisation__slug=org_slug)
        .first()
    )
    if bank is None:
        raise Http404
    return bank


def _last_digits(mobile: str) -> str:
    """Only the number's last two digits, to show where the code went."""
    return mobile[-2:]


@GET_POST
def reserve(request: HttpRequest, org_slug: str) -> HttpResponse:
    bank = _bank(org_slug)
    types = selectors.article_types_to_reserve(bank=bank)
    if request.method == "POST":
        form = ReserveForm(request.POST, types=types)
    else:
        form = ReserveForm(
            types=types,
            initial={"type": request.GET.get("typ"), "size": request.GET.get("storlek", "")},
        )
    if request.method == "POST" and form.is_valid():
        try:
            mobile = services.mobile_normalise(form.cleaned_data["mobile"])
        except services.LendingError as exc:
            form.add_error("mobile", exc.message)
        else:
            article_type: ArticleType = form.cleaned_data["type"]
            try:
                code = reserve_codes.code_issue(
                    session=request.session,
                    mobile=mobile,
                    pending={
                        "bank": bank.pk,
                        "type": article_type.pk,
                        "size": form.cleaned_data["size"].strip(),
                        "name": form.cleaned_data["name"].strip(),
                    },
                )
            except reserve_codes.CodeError as exc:
                form.add_error("mobile", exc.message)
            else:
                sms_send(
                    to=mobile,
                    text=_(
                        "Your code to reserve at %(bank)s: %(code)s. It is valid for 15 "
                        "minutes. If you did not ask for it, ignore this message."
                    )
                    % {"bank": bank, "code": code},
                )
                return redirect("lending:reserve_confirm", org_slug=bank.organisation.slug)
    return render(
        request,
        "lending/reserve.html",
        {"bank": bank, "organisation": bank.organisation, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@GET_POST
def reserve_confirm(request: HttpRequest, org_slug: str) -> HttpResponse:
    bank = _bank(org_slug)
    pending = reserve_codes.code_pending(session=request.session)
    if pending is None or pending.get("bank") != bank.pk:
        messages.info(request, _("Fill in the form, and we will send you a code."))
        return redirect("lending:reserve", org_slug=bank.organisation.slug)
    form = ReserveCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = reserve_codes.code_check(
                session=request.session, code=form.cleaned_data["code"]
            )
        except reserve_codes.CodeError as exc:
            if exc.start_over:
                messages.error(request, exc.message)
                return redirect("lending:reserve", org_slug=bank.organisation.slug)
            form.add_error("code", exc.message)
        else:
            return _place(request, bank, confirmed)
    article_type = ArticleType.objects.filter(pk=pending["type"]).first()
    return render(
        request,
        "lending/reserve_confirm.html",
        {
            "bank": bank,
            "organisation": bank.organisation,
            "form": form,
            "last_digits": _last_digits(pending["mobile"]),
            "article_type": article_type,
            "size": pending["size"],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _place(request: HttpRequest, bank: Bank, confirmed: dict[str, object]) -> HttpResponse:
    again = redirect("lending:reserve", org_slug=bank.organisation.slug)
    article_type = ArticleType.objects.filter(pk=int(str(confirmed["type"]))).first()
    if article_type is None:
        return again
    size = str(confirmed["size"])
    try:
        borrower = services.borrower_find_or_register(
            bank=bank, mobile=str(confirmed["mobile"]), name=str(confirmed["name"])
        )
        hold = services.hold_place(bank=bank, borrower=borrower, type=article_type, size=size)
    except services.HoldAlreadyPlaced:
        what = article_type.name
        if size:
            what = _("%(item)s in size %(size)s") % {"item": what, "size": size}
        messages.error(
            request,
            _(
                "You have already reserved %(what)s here. You do not need to do anything: "
                "we send a text message when it is ready for you."
            )
            % {"what": what},
        )
        return again
    except services.LendingError as exc:
        messages.error(request, exc.message)
        return again
    request.session[DONE_KEY] = hold.pk
    return redirect("lending:reserve_done", org_slug=bank.organisation.slug)


def reserve_done(request: HttpRequest, org_slug: str) -> HttpResponse:
    bank = _bank(org_slug)
    hold = (
        Hold.objects.filter(bank=bank, pk=request.session.get(DONE_KEY) or 0)
        .select_related("type", "offered_article")
        .first()
    )
    if hold is None:
        return redirect("lending:reserve", org_slug=bank.organisation.slug)
    return render(
        request,
        "lending/reserve_done.html",
        {
            "bank": bank,
            "organisation": bank.organisation,
            "hold": hold,
            "queue_place": selectors.hold_queue_place(hold=hold),
            "offered_until": date_format(hold.offered_until, "l j F") if hold.offered_until else "",
            "pickup_days": services.HOLD_PICKUP_DAYS,
            "today": clock.today(),
        },
    )
