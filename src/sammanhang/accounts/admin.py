from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from sammanhang.accounts import services
from sammanhang.accounts.models import Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class SammanhangUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    # The admin saves the model itself; what shows the organisation must still hear of it,
    # in the same transaction (the admin's change view runs in one).
    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            services.organisation_changes_announce(
                organisation=obj, changed_fields=list(form.changed_data)
            )

    # Through the service, so a deleted organisation leaves its audit event and tombstone.
    def delete_model(self, request: HttpRequest, obj: Organisation) -> None:
        services.organisation_delete(actor=request.user, organisation=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for organisation in queryset.order_by("pk"):
            services.organisation_delete(actor=request.user, organisation=organisation)
