from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from govdoor.ledger.purposes import fixed_words, purpose_words

# The plain words of the purposes this domain writes into ledger records ("Who used my data").
purpose_words.register("registries")(
    fixed_words(
        {
            "retention": _(
                "To delete information kept for as long as the law allows, and no longer."
            ),
            "register-import": _("To load records into a register."),
        }
    )
)


class RegistriesConfig(AppConfig):
    name = "govdoor.registries"
    label = "registries"

    def ready(self) -> None:
        from govdoor.registries.adapters import load_all

        load_all()
