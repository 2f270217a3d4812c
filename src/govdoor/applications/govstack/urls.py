"""/govstack/registration/: the GovStack Registration building block API.

Paths answer with or without a trailing slash, never with a redirect (GovStack clients call
them without one).
"""

from django.urls import re_path

from govdoor.applications.govstack import statistics
from govdoor.applications.govstack import views as v

E = r"/?$"
ID = r"(?P<{}>[^/]+)"

urlpatterns = [
    re_path(r"^services" + E, v.ServicesView.as_view(), name="govstack-registration-services"),
    re_path(
        r"^services/" + ID.format("service_id") + E,
        v.ServiceView.as_view(),
        name="govstack-registration-service",
    ),
    re_path(
        r"^services/" + ID.format("service_id") + r"/eForms" + E,
        v.ServiceEFormsView.as_view(),
        name="govstack-registration-service-eforms",
    ),
    re_path(
        r"^services/" + ID.format("service_id") + r"/applications" + E,
        v.ServiceApplicationsView.as_view(),
        name="govstack-registration-service-applications",
    ),
    re_path(
        r"^eForms/" + ID.format("eform_id") + E,
        v.EFormView.as_view(),
        name="govstack-registration-eform",
    ),
    re_path(r"^documents" + E, v.DocumentsView.as_view(), name="govstack-registration-documents"),
    re_path(
        r"^documents/" + ID.format("document_id") + E,
        v.DocumentView.as_view(),
        name="govstack-registration-document",
    ),
    re_path(
        r"^applications" + E,
        v.ApplicationsView.as_view(),
        name="govstack-registration-applications",
    ),
    re_path(
        r"^applications/" + ID.format("file_id") + E,
        v.ApplicationView.as_view(),
        name="govstack-registration-application",
    ),
    re_path(r"^tasks" + E, v.TasksView.as_view(), name="govstack-registration-tasks"),
    re_path(
        r"^tasks/" + ID.format("task_id") + E,
        v.TaskView.as_view(),
        name="govstack-registration-task",
    ),
    re_path(
        r"^tasks/" + ID.format("task_id") + r"/complete" + E,
        v.TaskCompleteView.as_view(),
        name="govstack-registration-task-complete",
    ),
    re_path(
        r"^data/statistics" + E,
        statistics.StatisticsView.as_view(),
        name="govstack-registration-statistics",
    ),
]
