"""Reviews (好差评) test data: windows, a concluded case to rate, and an answered appeal."""

from __future__ import annotations

import factory

from tongban.reviews.models import Window

from ..cases.factories import decide_case, make_item, submit_case


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window

    number = factory.Sequence(lambda n: str(n + 1))
    name = "综合窗口"


def concluded_case(organisation, applicant, *, clerk, reviewer, approver, code="11410100MB0001"):
    """A case of a new item at `organisation`, submitted by `applicant` and approved."""
    version = make_item(organisation, code=code)
    case = submit_case(applicant, version)
    decide_case(case, clerk=clerk, reviewer=reviewer, approver=approver)
    case.refresh_from_db()
    return case


def answered_appeal(requester, organisation, *, handler, **data):
    """An appeal routed to `organisation`, accepted and answered by `handler`."""
    from tongban.appeals import services as appeals
    from tongban.appeals.models import RoutingRule

    if not RoutingRule.objects.filter(organisation=organisation).exists():
        RoutingRule.objects.create(name="all", organisation=organisation)
    payload = {"kind": "consultation", "content": "问题", **data}
    appeal = appeals.appeal_submit(actor=requester, data=payload, channel="web", client_ip="10.1.1.1")
    appeals.appeal_accept(actor=handler, appeal_id=appeal.pk)
    appeals.appeal_reply(actor=handler, appeal_id=appeal.pk, body="答复")
    appeal.refresh_from_db()
    return appeal
