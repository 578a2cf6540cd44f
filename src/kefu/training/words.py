"""The training app's audit actions in words (added to core.audit_words at start-up)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "training.request_file": _("Training request filed"),
    "training.request_approve": _("Training request approved"),
    "training.request_reject": _("Training request rejected"),
    "training.request_assign": _("Trainer assigned to a training request"),
    "training.request_archive": _("Training delivery archived"),
    "training.class_create": _("Training class published"),
    "training.enrol": _("Enrolled in a training class"),
    "training.enrol_cancel": _("Training enrolment cancelled"),
    "training.attend": _("Training attendance recorded"),
    "training.questions_import": _("Exam questions imported"),
    "training.exam_create": _("Exam created"),
    "training.exam_start": _("Exam started"),
    "training.exam_submit": _("Exam submitted"),
    "training.typing": _("Typing test taken"),
    "training.quick_reply": _("Quick-reply exam taken"),
    "training.score": _("Practical score recorded"),
    "training.certify": _("Certification granted"),
    "training.certification_create": _("Certification defined"),
    "training.gate_set": _("Queue requires a certification"),
}

# change keys that are no field of the audited record
KEYS = {
    "attendance": _("Attendance"),
    "chars_per_minute": _("Characters per minute"),
    "queue": _("Queue"),
    "training_class": _("Training class"),
}
