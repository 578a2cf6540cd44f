"""The lesson desk's audit actions in words (added to core.audit_words at start-up)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "booking.student_create": _("Student enrolled"),
    "booking.hours": _("Lesson hours entered"),
    "booking.book": _("Lesson booked"),
    "booking.cancel": _("Lesson cancelled"),
    "booking.leave": _("Short-notice leave recorded"),
    "booking.exception": _("Leave exception decided"),
    "booking.attend": _("Lesson attended"),
    "booking.no_show": _("No-show recorded"),
    "booking.request": _("Booking request recorded"),
    "booking.repair_intake": _("Repair order received"),
    "booking.repair_step": _("Repair order moved to the next step"),
    "booking.repair_escalate": _("Repair order handed to the manager"),
    "booking.appointment_book": _("Workshop appointment booked"),
    "booking.appointment_move": _("Workshop appointment moved on"),
    "booking.appointment_progress": _("Repair progress told to the customer"),
    "booking.workshop_set": _("Workshop capacity changed"),
    "booking.activity": _("Renewal or in-store event recorded"),
    "booking.flow": _("Student flow step taken"),
}

# the steps of booking.flows (BK-7 substitute teacher, BK-8 1-on-1 → group)
STEP_LABELS = {
    "reported": _("Reported to the leader"),
    "substitute_chosen": _("Substitute teacher of the same subject chosen"),
    "trial_booked": _("Trial lesson booked"),
    "followed_up": _("Followed up after the trial"),
    "asked": _("Student asked about a group class"),
    "leader_agreed": _("Leader agreed, group class chosen"),
    "teacher_checked": _("Checked with the group's teacher"),
    "called_back": _("Student called back"),
    "teacher_informed": _("Teacher informed"),
    "done": _("Done"),
}
