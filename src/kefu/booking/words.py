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
}
