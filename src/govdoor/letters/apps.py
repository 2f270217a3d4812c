from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from govdoor.ledger.purposes import fixed_words, purpose_words

# The plain words of the purposes this domain writes into ledger records ("Who used my data").
purpose_words.register("letters")(
    fixed_words(
        {
            "letters: staff opened a signed letter": _(
                "So that a member of staff could open a signed letter sent to you."
            ),
        }
    )
)


class LettersConfig(AppConfig):
    name = "govdoor.letters"
    label = "letters"
