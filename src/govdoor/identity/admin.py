"""Django admin for identity. National numbers never appear in lists or search results.

Why no search by national number here: the admin is for operators; exact lookups by number
go through the back office, which records the purpose in the data-use ledger.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from govdoor.identity.models import (
    Address,
    AgencyClient,
    Business,
    FamilyLink,
    Mandate,
    Person,
    TokenAssurance,
    User,
)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "given_name", "family_name", "birth_date", "language", "deceased_on"]
    search_fields = ["family_name", "given_name"]
    list_filter = ["language", "sex"]
    exclude = ["national_id", "national_id_index"]
    readonly_fields = ["id", "created_at"]


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "person", "town", "municipality", "valid_from", "valid_to"]
    list_select_related = ["person", "municipality"]
    raw_id_fields = ["person"]


@admin.register(FamilyLink)
class FamilyLinkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "person", "kind", "relative"]
    list_select_related = ["person", "relative"]
    raw_id_fields = ["person", "relative"]


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "registration_number", "legal_form", "municipality", "founded_on"]
    search_fields = ["name", "registration_number"]


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "id",
        "kind",
        "representative",
        "represented_person",
        "represented_business",
        "valid_from",
        "valid_until",
        "revoked_at",
        "source",
    ]
    list_select_related = ["representative", "represented_person", "represented_business"]
    list_filter = ["kind", "source"]
    raw_id_fields = ["representative", "represented_person", "represented_business"]


@admin.register(AgencyClient)
class AgencyClientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "organisation", "created_at"]
    list_select_related = ["organisation"]


@admin.register(TokenAssurance)
class TokenAssuranceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id_token", "level"]
    list_select_related = ["id_token"]
    raw_id_fields = ["id_token"]


@admin.register(User)
class GovdoorUserAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "email", "is_staff", "is_active", "last_login"]
    raw_id_fields = ["person"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("govdoor", {"fields": ("person", "preferred_language")}),
    )
