from django.urls import path

from govdoor.letters import views

app_name = "letters"
urlpatterns = [
    path("letters/check/", views.check_letter, name="check"),
    path("letters/ca.pem", views.root_certificate, name="ca"),
    path("my/letters/", views.my_letters, name="mine"),
    path("my/letters/<uuid:letter_id>.pdf", views.my_letter_pdf, name="download"),
    path("backoffice/letters/", views.staff_letters, name="bo-list"),
    path("backoffice/letters/<uuid:letter_id>.pdf", views.staff_letter_pdf, name="bo-download"),
]
