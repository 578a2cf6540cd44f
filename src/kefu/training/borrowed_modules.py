"""PK-3's extra modules for borrowed staff on the 双11 plan (cert_templates.BORROWED_MODULES):
per person, which ones they have done (an attended class of that course on the plan's line)
and which are missing. One query, whatever the number of people."""

from __future__ import annotations

from django.db.models import Q

from kefu.training.cert_templates import BORROWED_MODULES
from kefu.training.models import Enrolment, EnrolmentStatus


def progress(business_line_id: int, user_ids: list[int]) -> dict[int, dict]:
    """{user id: {"done": [titles], "missing": [titles]}} in the set's order."""
    titles = list(BORROWED_MODULES)
    done: dict[int, set[str]] = {uid: set() for uid in user_ids}
    rows = Enrolment.objects.filter(
        user_id__in=list(user_ids),
        status=EnrolmentStatus.ATTENDED,
        training_class__business_line_id=business_line_id,
    ).filter(Q(training_class__course__title__in=titles) | Q(training_class__title__in=titles))
    for user_id, course_title, class_title in rows.values_list(
        "user_id", "training_class__course__title", "training_class__title"
    ):
        done[user_id].update(t for t in (course_title, class_title) if t in titles)
    return {
        uid: {
            "done": [t for t in titles if t in mine],
            "missing": [t for t in titles if t not in mine],
        }
        for uid, mine in done.items()
    }
