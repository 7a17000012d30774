"""rectification_verify publishes review.verified (ids only) for modules that keep a record of
founded bad ratings, such as credit's 政务诚信 records."""

import datetime as dt

from tests.factories import StaffFactory
from tongban.accounts.models import Role
from tongban.core import events
from tongban.core.models import EventDelivery
from tongban.reviews.models import Rating, Rectification, Window
from tongban.reviews.services import rectification_verify


def _seen(**payload):
    pass


def test_verify_publishes_review_verified(city_a):
    events.subscribe("review.verified", _seen)
    try:
        clerk = StaffFactory(organisation=city_a, roles=[Role.CLERK])
        window = Window.objects.create(organisation=city_a, number="1", name="综合窗口")
        rating = Rating.objects.create(target="window", window=window, organisation=city_a, level=1,
                                       rated_on=dt.date(2026, 6, 9), state="rectifying")
        rect = Rectification.objects.create(rating=rating, organisation=city_a, opened_on=dt.date(2026, 6, 9),
                                            due_on=dt.date(2026, 6, 20), limit_days=5)
        rectification_verify(actor=clerk, rectification_id=rect.pk, verification="回访属实", founded=True)
        row = EventDelivery.objects.get(event="review.verified", subscriber__endswith="_seen")
        assert row.payload == {"rectification_id": rect.pk, "founded": True}
    finally:
        events.unsubscribe("review.verified", _seen)
