"""The mailbox message type of proactive offers, in English and French."""

from django.db import migrations

PLACEHOLDERS = ["amount", "apply_link", "benefit"]
TEXTS = {
    "en": (
        "You may be entitled to ((benefit))",
        "From what government already knows about your household, you may be entitled to "
        "((benefit)) of about ((amount)). You can apply in one click, with your details "
        "already filled in: ((apply_link)) We checked this because you agreed to proactive "
        "checks; you can withdraw that agreement at any time in My govdoor.",
        "You may be entitled to ((benefit)).",
    ),
    "fr": (
        "Vous pourriez avoir droit à : ((benefit))",
        "D’après ce que l’administration sait déjà de votre foyer, vous pourriez avoir droit "
        "à : ((benefit)), environ ((amount)). Vous pouvez faire la demande en un clic, avec "
        "vos informations déjà remplies : ((apply_link)) Nous l’avons vérifié parce que vous "
        "avez accepté les vérifications proactives ; vous pouvez retirer cet accord à tout "
        "moment dans Mon govdoor.",
        "Vous pourriez avoir droit à : ((benefit)).",
    ),
}


def forwards(apps, schema_editor):
    MessageType = apps.get_model("messaging", "MessageType")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    mt, _ = MessageType.objects.get_or_create(
        code="rules-proactive-offer",
        defaults={
            "name": "Rules: proactive offer",
            "topic": "benefits",
            "placeholders": PLACEHOLDERS,
            "retention_days": 730,
            "optional": True,
        },
    )
    for language, (subject, body, short) in TEXTS.items():
        MessageTemplate.objects.get_or_create(
            message_type=mt,
            language=language,
            defaults={"subject": subject, "body": body, "short_text": short},
        )


def backwards(apps, schema_editor):
    apps.get_model("messaging", "MessageType").objects.filter(
        code="rules-proactive-offer"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rules", "0001_initial"),
        ("messaging", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
