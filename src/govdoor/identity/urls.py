from django.urls import path

from govdoor.identity.oidc_client import NationalSignInStart
from govdoor.identity.views import citizen, mandates, staff

app_name = "identity"
urlpatterns = [
    path("sign-in/", citizen.sign_in, name="sign-in"),
    path("sign-in/demo/", citizen.sign_in_demo, name="sign-in-demo"),
    path("sign-in/national/", NationalSignInStart.as_view(), name="sign-in-national"),
    path("sign-out/", citizen.sign_out, name="sign-out"),
    path("acting-for/", citizen.acting_for, name="acting-for"),
    path("mandates/", mandates.mandates, name="mandates"),
    path("staff/sign-in/", staff.staff_sign_in, name="staff-sign-in"),
    path("staff/verify/", staff.staff_otp, name="staff-otp"),
    path("staff/sign-out/", staff.staff_sign_out, name="staff-sign-out"),
]
