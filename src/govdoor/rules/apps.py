from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "govdoor.rules"
    label = "rules"

    def ready(self) -> None:
        # Registers the rule packages and the "cases.case_opened" consumer.
        from govdoor.rules import consumers  # noqa: F401
        from govdoor.rules.packages import load_all

        load_all()
