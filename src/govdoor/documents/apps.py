from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from govdoor.ledger.purposes import fixed_words, purpose_words

# The plain words of the purposes this domain writes into ledger records ("Who used my data").
purpose_words.register("documents")(
    fixed_words(
        {
            "application": _("To keep a document you sent with an application."),
            "govstack-registration": _(
                "To keep a document sent with an application through another government system."
            ),
            "my-documents": _("To keep a document you added to your documents."),
        }
    )
)


class DocumentsConfig(AppConfig):
    name = "govdoor.documents"
    label = "documents"
