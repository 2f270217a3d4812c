"""makemessages that also extracts `_l(...)`: several modules import gettext_lazy as `_l`.

Why a subclass: Django's makemessages has no option for extra keywords; its documented way
is to extend `xgettext_options`, so `make translations` keeps the lazy strings.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
