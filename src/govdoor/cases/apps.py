from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from govdoor.ledger.purposes import fixed_words, purpose_words

# The plain words of the purposes this domain writes into ledger records ("Who used my data").
purpose_words.register("cases")(
    fixed_words(
        {
            "case-handling": _("To handle your case or application."),
            "case-handling: letter": _("To write to you about your case."),
        }
    )
)


class CasesConfig(AppConfig):
    name = "govdoor.cases"
    label = "cases"

    def ready(self) -> None:
        # Registers the event consumers (address changes re-route, mailbox replies).
        from govdoor.cases import handlers  # noqa: F401
