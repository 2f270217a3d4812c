"""A worker that dies between "sent" and "recorded": `python crash_child.py <notification id>`.

It runs one notification attempt and SIGKILLs itself straight after the channel answered,
before the answer is written to the database.
"""

from __future__ import annotations

import os
import signal
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govdoor.conf.settings")
    django.setup()
    from govdoor.messaging import notify

    def die(notification, answer):  # type: ignore[no-untyped-def]
        sys.stdout.write(f"sent {answer.provider_ref}\n")
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    notify.AFTER_SEND_HOOK = die
    notify.notification_attempt(notification_id=sys.argv[1])


if __name__ == "__main__":
    main()
