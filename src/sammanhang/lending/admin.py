"""Admin for platform administrators: set up banks and article types, look at loans.

An organisation's own admins start their bank and change its settings and branches on the
staff pages (``lending/views_settings.py``); changes made here skip that page's bounds and
audit log, so it is for platform administrators fixing things.

Loans and holds are read-only here: they change only through the services, which keep the
item limit, the queue order and the audit log.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sammanhang.lending.models import Article, ArticleType, Bank, Branch, Hold, Loan, Reminder


class BranchInline(admin.TabularInline):
    model = Branch
    extra = 0


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "place",
        "loan_days",
        "max_items",
        "reminder_days",
        "overdue_repeat_days",
        "overdue_reminders_max",
        "borrower_retention_months",
    ]
    inlines = [BranchInline]


@admin.register(ArticleType)
class ArticleTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "needs_guardian_consent"]
    list_filter = ["category"]
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["code", "type", "size", "status", "bank"]
    list_filter = ["status", "bank", "type"]
    search_fields = ["code"]
    readonly_fields = ["created_at"]


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Loan)
class LoanAdmin(_ReadOnlyAdmin):
    list_display = ["article", "bank", "out_on", "due_on", "returned_at", "renewed_count"]
    list_filter = ["bank"]
    search_fields = ["article__code"]


@admin.register(Hold)
class HoldAdmin(_ReadOnlyAdmin):
    list_display = ["type", "size", "position", "status", "bank"]
    list_filter = ["status", "bank"]


@admin.register(Reminder)
class ReminderAdmin(_ReadOnlyAdmin):
    list_display = ["loan", "kind", "sequence", "sent_at"]
    list_filter = ["kind"]
