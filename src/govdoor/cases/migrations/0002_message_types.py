"""The mailbox message types cases send: receipts, decisions, requests for information.

Letters themselves (the signed PDF) are attached; these texts are the mailbox message
around them, in English and French.
"""

from django.db import migrations

PLACEHOLDERS = ["due_on", "organisation", "outcome", "reference", "request", "service"]

TYPES = {
    "case-receipt": {
        "name": "Case: receipt",
        "en": (
            "We received your request ((reference))",
            "((organisation)) has received your request for ((service)). Its reference is "
            "((reference)). The receipt is attached. You can follow your case in My govdoor.",
            "((organisation)) received your request ((reference)).",
        ),
        "fr": (
            "Nous avons reçu votre demande ((reference))",
            "((organisation)) a reçu votre demande : ((service)). Sa référence est "
            "((reference)). L’accusé de réception est joint. Vous pouvez suivre votre dossier "
            "dans Mon govdoor.",
            "((organisation)) a reçu votre demande ((reference)).",
        ),
    },
    "case-decision": {
        "name": "Case: decision",
        "en": (
            "Decision on your request ((reference)): ((outcome))",
            "((organisation)) has decided on your request for ((service)): ((outcome)). The "
            "signed decision letter is attached; it says why, and how to appeal if you "
            "disagree.",
            "((organisation)) decided on your request ((reference)).",
        ),
        "fr": (
            "Décision sur votre demande ((reference)) : ((outcome))",
            "((organisation)) a pris une décision sur votre demande : ((service)) : "
            "((outcome)). La lettre de décision signée est jointe ; elle en donne les motifs "
            "et explique comment faire un recours.",
            "((organisation)) a décidé sur votre demande ((reference)).",
        ),
    },
    "case-information-request": {
        "name": "Case: request for information",
        "en": (
            "We need more information for ((reference))",
            "((organisation)) needs more information to decide on your request for "
            "((service)): ((request)) Please reply to this message by ((due_on)).",
            "((organisation)) needs more information for ((reference)) by ((due_on)).",
        ),
        "fr": (
            "Nous avons besoin d’informations pour ((reference))",
            "((organisation)) a besoin d’informations pour décider sur votre demande : "
            "((service)) : ((request)) Merci de répondre à ce message avant le ((due_on)).",
            "((organisation)) attend des informations pour ((reference)) avant le ((due_on)).",
        ),
    },
}


def forwards(apps, schema_editor):
    MessageType = apps.get_model("messaging", "MessageType")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    for code, spec in TYPES.items():
        mt, _ = MessageType.objects.get_or_create(
            code=code,
            defaults={
                "name": spec["name"],
                "topic": "cases",
                "placeholders": PLACEHOLDERS,
                "retention_days": 3650,
                "optional": False,
            },
        )
        for language in ("en", "fr"):
            subject, body, short = spec[language]
            MessageTemplate.objects.get_or_create(
                message_type=mt,
                language=language,
                defaults={"subject": subject, "body": body, "short_text": short},
            )


def backwards(apps, schema_editor):
    MessageType = apps.get_model("messaging", "MessageType")
    Message = apps.get_model("messaging", "Message")
    unused = [c for c in TYPES if not Message.objects.filter(message_type__code=c).exists()]
    MessageType.objects.filter(code__in=unused).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("messaging", "0002_reminder_type")]
    operations = [migrations.RunPython(forwards, backwards)]
