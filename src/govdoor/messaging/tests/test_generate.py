"""The set-based reminder run: same wording and choices as one at a time, bounded queries,
stale reminders closed, and texts rendered once per distinct personalisation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govdoor.core import clock
from govdoor.messaging import templating
from govdoor.messaging.authenticity import code_new, code_normalise
from govdoor.messaging.batch import notifications_attempt_batch
from govdoor.messaging.models import Notification, Obligation, Preference, Reminder
from govdoor.messaging.reminders import obligation_register, reminders_due
from govdoor.messaging.tests.factories import (
    ContactPointFactory,
    OrganisationFactory,
    PersonFactory,
    PreferenceFactory,
)

DAY = dt.date(2026, 4, 14)
MORNING = dt.datetime.combine(DAY, dt.time(7), tzinfo=dt.UTC)


def due_tomorrow(person, org, ref: str, *, title: str = "Tax return"):
    return obligation_register(
        person=person,
        source="tax",
        source_ref=ref,
        title=title,
        due_on=DAY + dt.timedelta(days=1),
        org=org,
        offsets=(1,),
    )


def people(count: int, org) -> list:
    out = []
    for n in range(count):
        person = PersonFactory(language="fr" if n % 2 else "en")
        ContactPointFactory(person=person, kind="sms", value=f"+3247100{n:04d}")
        ContactPointFactory(person=person, value=f"p{n}@example.org")
        due_tomorrow(person, org, f"r{n}")
        out.append(person)
    return out


@pytest.mark.django_db
def test_generation_takes_a_fixed_number_of_queries_whatever_the_number_of_reminders(
    django_assert_max_num_queries,
):
    org = OrganisationFactory()
    with clock.frozen_at(MORNING):
        people(12, org)
        with django_assert_max_num_queries(12):
            assert reminders_due(limit=50, dispatch=lambda ids: None) == 12
    assert Notification.objects.count() == 36  # portal, sms and email for each
    assert not Preference.objects.exists()  # defaults are used, no rows made for them


@pytest.mark.django_db
def test_delivering_a_batch_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    org = OrganisationFactory()
    for n in range(10):
        person = PersonFactory()
        PreferenceFactory(person=person, channels=["sms"])
        ContactPointFactory(person=person, kind="sms", value=f"+3247200{n:04d}")
    with clock.frozen_at(MORNING):
        for n, person in enumerate(Preference.objects.values_list("person", flat=True)):
            from govdoor.identity.models import Person

            due_tomorrow(Person.objects.get(pk=person), org, f"d{n}")
        reminders_due(dispatch=lambda ids: None)
        ids = [str(pk) for pk in Notification.objects.values_list("pk", flat=True)]
        with django_assert_max_num_queries(15):  # constant: 10 rows or 500
            assert notifications_attempt_batch(notification_ids=ids) == {"sent": 10}
    sent = Notification.objects.values_list("status", "provider_answer", "attempts")
    assert set(sent) == {("sent", "accepted", 1)}
    assert all(
        ref.startswith("demo:")
        for ref in Notification.objects.values_list("provider_ref", flat=True)
    )


@pytest.mark.django_db
def test_each_person_gets_the_reminder_in_their_language_with_their_own_choices():
    org = OrganisationFactory(name="Tax Agency")
    with clock.frozen_at(MORNING):
        en, fr = people(2, org)
        Preference.objects.create(person=en, channels=["email"], calendar_token="t-en")
        reminders_due(dispatch=lambda ids: None)
    mine = {(n.person_id, n.channel): n for n in Notification.objects.all()}
    assert set(mine) == {(en.pk, "email"), (fr.pk, "portal"), (fr.pk, "sms-demo"), (fr.pk, "email")}
    assert mine[(en.pk, "email")].subject == "Reminder: Tax return by April 15, 2026"
    assert mine[(fr.pk, "sms-demo")].body == "Rappel : Tax return avant le 15 avril 2026."
    assert mine[(fr.pk, "email")].body.startswith("Tax Agency vous rappelle")
    codes = [n.verification_code for n in mine.values()]
    assert len(set(codes)) == len(codes)


@pytest.mark.django_db
def test_reminders_of_obligations_met_or_past_are_closed_not_left_waiting():
    org = OrganisationFactory()
    person = PersonFactory()
    with clock.frozen_at(MORNING - dt.timedelta(days=5)):
        ob = obligation_register(
            person=person, source="x", source_ref="1", title="T", due_on=DAY - dt.timedelta(days=1),
            org=org, offsets=(3,),
        )  # fmt: skip
    Obligation.objects.filter(pk=ob.pk).update(due_on=DAY - dt.timedelta(days=1))
    with clock.frozen_at(MORNING):
        assert reminders_due(dispatch=lambda ids: None) == 1
        assert reminders_due(dispatch=lambda ids: None) == 0
    assert list(Reminder.objects.values_list("status", flat=True)) == ["cancelled"]
    assert not Notification.objects.exists()


@given(
    st.dictionaries(
        st.sampled_from(["title", "due_on", "organisation"]),
        st.text(alphabet=st.characters(blacklist_characters="/:"), max_size=20),
    )
)
def test_the_compiled_renderer_gives_what_plain_rendering_gives(values):
    texts = ("Re: ((title)) by ((due_on))", "((organisation)) says ((title))((title))", "x")
    renderer = templating.Renderer(subject=texts[0], body=texts[1], short_text=texts[2])
    expected = tuple(templating.render(t, values) for t in texts)
    assert renderer.render(values) == expected
    assert renderer.render(values) == expected  # from the memo


def test_verification_codes_are_well_formed_and_do_not_repeat():
    codes = [code_new() for _ in range(5000)]
    assert len(set(codes)) == len(codes)
    assert all(code_normalise(c) == c for c in codes)
