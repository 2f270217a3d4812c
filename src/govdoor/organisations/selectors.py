"""Reading organisations, areas, jurisdictions and staff roles.

The key question this module answers is "who handles this?": `competent_organisations`
is the routing primitive behind "no wrong door" — given where someone lives, it names every
organisation whose jurisdiction covers that place, the most local first.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from govdoor.core.errors import NotFound
from govdoor.core.ids import uuid_or_none
from govdoor.organisations.models import Area, Jurisdiction, Organisation, StaffRole

# Most local first: a citizen's question is usually best answered close to home.
LEVEL_RANK: dict[str, int] = {
    Organisation.Level.LOCAL: 0,
    Organisation.Level.REGIONAL: 1,
    Organisation.Level.CENTRAL: 2,
}

# Deep enough for any real hierarchy; a guard against a corrupted (cyclic) parent chain.
MAX_DEPTH = 32


def organisation_get(organisation_id: Any) -> Organisation:
    """One organisation by id; a malformed id is simply not found (ids are opaque)."""
    pk = uuid_or_none(organisation_id)
    organisation = (
        Organisation.objects.select_related("parent", "home_area").filter(pk=pk).first()
        if pk
        else None
    )
    if organisation is None:
        raise NotFound(_("No organisation with this id."))
    return organisation


def organisation_get_by_code(code: str) -> Organisation:
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise NotFound(_("No organisation with this code."), field="code")
    return organisation


def organisations_list(
    *,
    level: str | None = None,
    parent: Organisation | uuid.UUID | str | None = None,
    search: str | None = None,
) -> QuerySet[Organisation]:
    """Organisations filtered by level, parent and a free-text search on code and name."""
    queryset = Organisation.objects.select_related("parent", "home_area").prefetch_related(
        Prefetch("serves", queryset=Area.objects.order_by("code"))
    )
    if level:
        queryset = queryset.filter(level=level)
    if parent is not None:
        parent_id = parent.pk if isinstance(parent, Organisation) else uuid_or_none(parent)
        queryset = queryset.filter(parent_id=parent_id)
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return queryset.order_by("level", "name", "id")


def organisation_ancestors(organisation: Organisation) -> list[Organisation]:
    """The parent, its parent, … up to the top (nearest first)."""
    ancestors: list[Organisation] = []
    seen = {organisation.pk}
    parent_id = organisation.parent_id
    while parent_id is not None and parent_id not in seen and len(ancestors) < MAX_DEPTH:
        parent = Organisation.objects.get(pk=parent_id)
        ancestors.append(parent)
        seen.add(parent.pk)
        parent_id = parent.parent_id
    return ancestors


def organisation_children(organisation: Organisation) -> QuerySet[Organisation]:
    return organisation.children.order_by("level", "name")


def organisation_jurisdictions(organisation: Organisation) -> QuerySet[Jurisdiction]:
    return organisation.jurisdictions.select_related("area").order_by("area__code")


def area_get_by_code(code: str, *, field: str = "area") -> Area:
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise NotFound(_("No area with the code “%(code)s”.") % {"code": code}, field=field)
    return area


def areas_list(
    *, kind: str | None = None, parent: Area | None = None, search: str | None = None
) -> QuerySet[Area]:
    queryset = Area.objects.select_related("parent")
    if kind:
        queryset = queryset.filter(kind=kind)
    if parent is not None:
        queryset = queryset.filter(parent=parent)
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return queryset.order_by("code")


def areas_containing(area: Area) -> list[Area]:
    """The area itself, then each enclosing area up to the country (nearest first)."""
    chain = [area]
    seen = {area.pk}
    parent_id = area.parent_id
    while parent_id is not None and parent_id not in seen and len(chain) < MAX_DEPTH:
        parent = Area.objects.get(pk=parent_id)
        chain.append(parent)
        seen.add(parent.pk)
        parent_id = parent.parent_id
    return chain


def regions_list() -> QuerySet[Area]:
    return Area.objects.filter(kind=Area.Kind.REGION).order_by("name")


def competent_organisations(*, area: Area, level: str | None = None) -> list[Organisation]:
    """Active organisations whose jurisdiction covers `area` or an area enclosing it.

    Ordered most local first: by how close the covering area is to `area` (a municipality's
    own jurisdiction before the region's before the country's), then by level, then name.
    """
    chain = areas_containing(area)
    distance = {a.pk: index for index, a in enumerate(chain)}
    jurisdictions = Jurisdiction.objects.filter(
        area_id__in=list(distance), organisation__is_active=True
    ).select_related("organisation", "organisation__home_area", "organisation__parent")
    if level:
        jurisdictions = jurisdictions.filter(organisation__level=level)
    nearest: dict[uuid.UUID, tuple[int, Organisation]] = {}
    for jurisdiction in jurisdictions:
        org = jurisdiction.organisation
        d = distance[jurisdiction.area_id]
        if org.pk not in nearest or d < nearest[org.pk][0]:
            nearest[org.pk] = (d, org)
    ranked = sorted(
        nearest.values(),
        key=lambda item: (item[0], LEVEL_RANK.get(item[1].level, 9), item[1].name, str(item[1].pk)),
    )
    organisations = [org for _, org in ranked]
    # One query for every organisation's areas, as organisations_list does (API shape).
    prefetch_related_objects(
        organisations, Prefetch("serves", queryset=Area.objects.order_by("code"))
    )
    return organisations


# --- Staff roles ---------------------------------------------------------------------------


def roles_of(user: Any) -> QuerySet[StaffRole]:
    """Every role a user holds, with its organisation."""
    if not getattr(user, "is_authenticated", False):
        return StaffRole.objects.none()
    return (
        StaffRole.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )


def staff_organisations(user: Any) -> list[Organisation]:
    """The organisations a user holds at least one role in (the organisation switcher)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Organisation.objects.filter(staff_roles__user=user).distinct().order_by("name"))


def user_has_role(user: Any, organisation: Organisation, role: str) -> bool:
    """Does `user` hold `role` in `organisation`?

    Only the administrator role is inherited from parent organisations. Why: administering
    is about the structure (who works where), and a ministry or region must be able to repair
    an agency below it — for instance when its last administrator has left. Case work,
    register keeping and auditing touch people's data, so need-to-know applies: a regional
    case worker has no business in a municipality's files unless granted a role there.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if StaffRole.objects.filter(user=user, organisation=organisation, role=role).exists():
        return True
    if role != StaffRole.Role.ADMIN:
        return False
    ancestor_ids = [a.pk for a in organisation_ancestors(organisation)]
    return StaffRole.objects.filter(
        user=user, organisation_id__in=ancestor_ids, role=StaffRole.Role.ADMIN
    ).exists()


def user_has_any_role(user: Any, organisation: Organisation) -> bool:
    """A direct role of any kind (what lets someone see an organisation's staff list)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return StaffRole.objects.filter(user=user, organisation=organisation).exists()


def user_can_onboard(user: Any) -> bool:
    """Only administrators of a central or regional organisation may onboard a municipality."""
    if not getattr(user, "is_authenticated", False):
        return False
    return StaffRole.objects.filter(
        user=user,
        role=StaffRole.Role.ADMIN,
        organisation__level__in=[Organisation.Level.CENTRAL, Organisation.Level.REGIONAL],
        organisation__is_active=True,
    ).exists()


def organisation_admin_count(organisation: Organisation) -> int:
    return StaffRole.objects.filter(organisation=organisation, role=StaffRole.Role.ADMIN).count()


def organisation_staff(organisation: Organisation) -> QuerySet[Any]:
    """Users with a role in `organisation`, each with `org_roles` (their roles there)."""
    User = get_user_model()
    return (
        User.objects.filter(staff_roles__organisation=organisation)
        .distinct()
        .order_by("username", "id")
        .prefetch_related(
            Prefetch(
                "staff_roles",
                queryset=StaffRole.objects.filter(organisation=organisation).order_by("role"),
                to_attr="org_roles",
            )
        )
    )


def user_get_by_username(username: str, *, field: str = "username") -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(_("No account with this username."), field=field)
    return user


def user_get(user_id: Any, *, field: str = "user") -> Any:
    pk = uuid_or_none(user_id)
    user = get_user_model().objects.filter(pk=pk).first() if pk else None
    if user is None:
        raise NotFound(_("No such account."), field=field)
    return user
