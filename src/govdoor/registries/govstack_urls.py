"""/govstack/dr/: the GovStack Digital Registries API (current and earlier kebab-case paths).

Paths answer with or without a trailing slash, never with a redirect.
"""

from django.urls import re_path

from govdoor.registries import govstack as g
from govdoor.registries import govstack_db as db

D = r"^data/(?P<registryname>[^/]+)/(?P<versionnumber>[^/]+)"
E = r"/?$"

urlpatterns = [
    re_path(
        r"^data/(?:myPersonalDataUsage|MyPersonalDataUsage)(?:/(?P<version>[^/]+))?" + E,
        db.PersonalDataUsageView.as_view(),
        name="govstack-dr-personal-data-usage",
    ),
    re_path(D + E, g.DataListView.as_view(), name="govstack-dr-list"),
    re_path(D + r"/create" + E, g.DataCreateView.as_view(), name="govstack-dr-create"),
    re_path(D + r"/exists" + E, g.DataExistsView.as_view(), name="govstack-dr-exists"),
    re_path(D + r"/read" + E, g.DataReadView.as_view(), name="govstack-dr-read"),
    re_path(D + r"/update" + E, g.DataUpdateView.as_view(), name="govstack-dr-update"),
    re_path(
        D + r"/(?:updateEntries|update-entries)" + E,
        g.DataUpdateEntriesView.as_view(),
        name="govstack-dr-update-entries",
    ),
    re_path(
        D + r"/(?:updateOrCreate|update-or-create)" + E,
        g.DataUpdateOrCreateView.as_view(),
        name="govstack-dr-update-or-create",
    ),
    re_path(
        D + r"/(?P<record_id>[^/]+)/delete" + E,
        g.DataDeleteView.as_view(),
        name="govstack-dr-delete",
    ),
    re_path(
        D + r"/(?P<record_id>[^/]+)/(?:readValue|read-value)/(?P<field>[^/]+)"
        r"\.(?P<ext>[A-Za-z0-9]+)" + E,
        g.DataReadValueView.as_view(),
        name="govstack-dr-read-value",
    ),
    re_path(r"^databases" + E, db.DatabasesView.as_view(), name="govstack-dr-databases"),
    re_path(
        r"^database/modify" + E, db.DatabaseModifyView.as_view(), name="govstack-dr-database-modify"
    ),
    re_path(
        r"^database/(?P<pk>[0-9]+)" + E, db.DatabaseView.as_view(), name="govstack-dr-database"
    ),
]
