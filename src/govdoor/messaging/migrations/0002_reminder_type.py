from django.db import migrations

TEXTS = {
    "en": ("Reminder: ((title)) by ((due_on))",
           "((organisation)) reminds you: ((title)) is due on ((due_on)).",
           "Reminder: ((title)) by ((due_on))."),
    "fr": ("Rappel : ((title)) avant le ((due_on))",
           "((organisation)) vous rappelle : ((title)) doit être fait avant le ((due_on)).",
           "Rappel : ((title)) avant le ((due_on))."),
}


def forwards(apps, schema_editor):
    MessageType = apps.get_model("messaging", "MessageType")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    mt, _ = MessageType.objects.get_or_create(
        code="deadline-reminder",
        defaults={"name": "Deadline reminder", "topic": "reminders",
                  "placeholders": ["due_on", "organisation", "title"],
                  "retention_days": 90, "optional": True},
    )
    for language, (subject, body, short) in TEXTS.items():
        MessageTemplate.objects.get_or_create(
            message_type=mt, language=language,
            defaults={"subject": subject, "body": body, "short_text": short},
        )


def backwards(apps, schema_editor):
    apps.get_model("messaging", "MessageType").objects.filter(code="deadline-reminder").delete()


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
