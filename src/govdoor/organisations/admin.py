"""Django admin for the platform operators; day-to-day changes go through the back office."""

from __future__ import annotations

from django.contrib import admin

from govdoor.organisations.models import Area, Jurisdiction, Organisation, StaffRole


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


class JurisdictionInline(admin.TabularInline):
    model = Jurisdiction
    extra = 0
    autocomplete_fields = ("area",)


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    # raw ids: the user admin belongs to identity and may not offer search.
    raw_id_fields = ("user",)
    readonly_fields = ("granted_at",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent", "home_area")
    readonly_fields = ("created_at",)
    inlines = (JurisdictionInline, StaffRoleInline)


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("organisation", "area")
    search_fields = ("organisation__name", "organisation__code", "area__name", "area__code")
    list_select_related = ("organisation", "area")
    autocomplete_fields = ("organisation", "area")


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "granted_at")
    list_filter = ("role",)
    search_fields = ("user__username", "organisation__name", "organisation__code")
    list_select_related = ("user", "organisation")
    raw_id_fields = ("user",)
    autocomplete_fields = ("organisation",)
    readonly_fields = ("granted_at",)
