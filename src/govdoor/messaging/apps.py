from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from govdoor.ledger.purposes import fixed_words, purpose_words

# The plain words of the purposes this domain writes into ledger records ("Who used my data").
purpose_words.register("messaging")(
    fixed_words(
        {
            "legal delivery: message sent and made available": _(
                "To deliver a message to your mailbox and keep proof that it was delivered."
            ),
            "legal delivery: message opened": _("To keep proof that you opened a message."),
            "deadline reminders": _("To remind you of a deadline."),
        }
    )
)


class MessagingConfig(AppConfig):
    name = "govdoor.messaging"
    label = "messaging"

    def ready(self) -> None:
        # Registers the outbox consumer that turns register deadlines into obligations.
        from govdoor.messaging import register_deadlines  # noqa: F401
