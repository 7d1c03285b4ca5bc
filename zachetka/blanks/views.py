from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from zachetka.accesslog import capture as accesslog
from zachetka.blanks import export, selectors, services
from zachetka.blanks.forms import FindForm, ReceiptForm, WriteOffForm
from zachetka.blanks.models import Blank, BlankReceipt, WriteOffAct
from zachetka.core import access, idempotency
from zachetka.core.forms import add_service_errors


def stock(request: HttpRequest) -> HttpResponse:
    """Stock by series (received, used, spoiled, left), finding a blank, receipts and acts."""
    access.require(request.user, "blanks.view_blank")
    find = FindForm(request.GET or None)
    if request.GET and find.is_valid():
        blank = selectors.find(find.cleaned_data["series"], find.cleaned_data["number"])
        if blank is not None:
            return redirect(blank)
        messages.error(request, "Такого бланка нет в реестре.")
    sees_receipts = access.may(request.user, "blanks.view_blankreceipt")
    sees_acts = access.may(request.user, "blanks.view_writeoffact")
    return render(
        request,
        "blanks/stock.html",
        {
            "stock": selectors.stock(),
            "find": find,
            "receipts": BlankReceipt.objects.select_related("received_by")[:50] if sees_receipts else None,
            "acts": WriteOffAct.objects.select_related("made_by")[:50] if sees_acts else None,
            "may_receive": access.may(request.user, "blanks.add_blankreceipt"),
            "may_write_off": access.may(request.user, "blanks.add_writeoffact"),
        },
    )


def stock_xlsx(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "blanks.view_blank")
    response = HttpResponse(
        export.stock_workbook(selectors.stock()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('Остатки бланков.xlsx')}"
    return response


def receipt_create(request: HttpRequest) -> HttpResponse:
    """Register a range of blanks received."""
    access.require(request.user, "blanks.add_blankreceipt")
    if (done := idempotency.replayed(request, "blanks.receive")) is not None:
        return done
    form = ReceiptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def receive() -> tuple[str, str]:
            receipt = services.receive_range(
                by=request.user,
                form=data["form"],
                series=data["series"],
                first_number=data["first_number"],
                last_number=data["last_number"],
                received_on=data["received_on"],
                supplier_document=data["supplier_document"],
            )
            return reverse("blanks:stock"), f"Принято бланков: {receipt.count} ({receipt})."

        try:
            return idempotency.redirect_to_result(
                request, idempotency.once(request, "blanks.receive", receive)
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return render(request, "blanks/receipt_form.html", {"form": form})


def write_off_create(request: HttpRequest) -> HttpResponse:
    """Write off blanks spoiled before use by an act."""
    access.require(request.user, "blanks.add_writeoffact")
    if (done := idempotency.replayed(request, "blanks.write_off")) is not None:
        return done
    form = WriteOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write_off() -> tuple[str, str]:
            act = services.write_off_range(
                by=request.user,
                series=data["series"],
                first_number=data["first_number"],
                last_number=data["last_number"],
                made_on=data["made_on"],
                reason=data["reason"],
            )
            return act.get_absolute_url(), f"Составлен {act}: списано бланков — {act.blanks.count()}."

        try:
            return idempotency.redirect_to_result(
                request, idempotency.once(request, "blanks.write_off", write_off)
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return render(request, "blanks/write_off_form.html", {"form": form})


def blank_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One blank: its receipt, the document it carries, the act that wrote it off, its events."""
    access.require(request.user, "blanks.view_blank")
    blank = get_object_or_404(
        Blank.objects.select_related("receipt__received_by", "write_off__made_by"), pk=pk
    )
    holder_visible = selectors.holder_visible(request.user, blank)
    if holder_visible and blank.document_id:
        accesslog.mark(request, [blank.document.enrollment.learner_id])
    return render(
        request,
        "blanks/blank_detail.html",
        {
            "blank": blank,
            "holder_visible": holder_visible,
            # The events name the document a blank went to: shown where its holder may be.
            "history": selectors.history(blank) if holder_visible else [],
            "sees_acts": access.may(request.user, "blanks.view_writeoffact"),
        },
    )


def act_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A write-off act: its date, reason, author and the blanks it wrote off."""
    access.require(request.user, "blanks.view_writeoffact")
    act = get_object_or_404(WriteOffAct.objects.select_related("made_by"), pk=pk)
    blanks = act.blanks.select_related("document").order_by("series", "prefix", "seq")
    return render(request, "blanks/act_detail.html", {"act": act, "blanks": blanks})
