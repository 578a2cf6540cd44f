"""Page forms: they parse input only; the services validate the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.inputs import DateField
from kefu.core.widgets import DateInput, TimeInput
from kefu.workforce.models import (
    ForecastSource,
    LeaveKind,
    QueueModel,
    ShiftKind,
    TrainingStatus,
)


class BootstrapForm(forms.Form):
    """Adds Bootstrap classes to the widgets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")


class ForecastForm(BootstrapForm):
    group = forms.ModelChoiceField(queryset=None, label=_("Skill group"))
    source = forms.ChoiceField(choices=ForecastSource.choices, label=_("History"))
    channel = forms.ChoiceField(required=False, label=_("Channel"))
    start_date = DateField(label=_("First day"), widget=DateInput())
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=62, initial=14)
    weeks = forms.IntegerField(label=_("Weeks of history"), min_value=2, max_value=52, initial=8)
    interval_minutes = forms.TypedChoiceField(
        choices=[(30, _("30 minutes")), (15, _("15 minutes"))],
        coerce=int,
        label=_("Interval"),
    )
    double11 = forms.BooleanField(
        required=False, label=_("Lift Nov 10–17 by last years' Double 11 factors")
    )

    def __init__(self, *args, groups, **kwargs):
        from kefu.tickets.models import Channel

        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["channel"].choices = [("", _("All channels")), *Channel.choices]
        self.fields["start_date"].initial = timezone.localdate()


class ImportForm(BootstrapForm):
    group = forms.ModelChoiceField(queryset=None, label=_("Skill group"))
    interval_minutes = forms.TypedChoiceField(
        choices=[(15, _("15 minutes")), (30, _("30 minutes"))], coerce=int, label=_("Interval")
    )
    file = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        help_text=_(
            "Columns: interval start (时间段), offered (来话量), handled (接通量), "
            "AHT in seconds (平均处理时长). UTF-8 or GBK."
        ),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class RosterForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    start_date = DateField(label=_("First day"), widget=DateInput())
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=35, initial=7)
    time_limit_seconds = forms.IntegerField(
        label=_("Time limit (seconds)"), min_value=1, max_value=600, initial=30
    )


class PeakPlanForm(BootstrapForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)


class BorrowedForm(BootstrapForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        required=False,
        help_text=_("Leave empty to use the account's name."),
    )
    username = forms.CharField(
        label=_("Account (user name)"),
        max_length=150,
        required=False,
        help_text=_("Their account on this business line: the 上岗 status is looked up by it."),
    )
    from_department = forms.CharField(label=_("From department"), max_length=100)
    group = forms.CharField(label=_("Group"), max_length=50)
    training_status = forms.ChoiceField(choices=TrainingStatus.choices, label=_("Training"))


class StaffingForm(BootstrapForm):
    arrivals = forms.DecimalField(label=_("Contacts in the interval"), min_value=0, initial=100)
    interval_seconds = forms.IntegerField(label=_("Interval (seconds)"), min_value=1, initial=1800)
    aht = forms.DecimalField(label=_("Average handling time (s)"), min_value=1, initial=180)
    target_answer = forms.DecimalField(label=_("Answer within (s)"), min_value=0, initial=20)
    service_level = forms.DecimalField(
        label=_("Service-level target (0–1)"), min_value=0, max_value=1, initial="0.8"
    )
    shrinkage = forms.DecimalField(
        label=_("Shrinkage (0–1)"), min_value=0, max_value=Decimal("0.99"), initial="0.3"
    )
    patience = forms.DecimalField(
        label=_("Mean patience for Erlang A (s)"), min_value=1, initial=120
    )
    daily_enquiries = forms.DecimalField(label=_("Daily enquiries"), min_value=0, required=False)
    enquiries_per_agent_day = forms.DecimalField(
        label=_("Enquiries one agent handles per day"), min_value=1, required=False
    )
    monthly_refunds = forms.DecimalField(label=_("Monthly refunds"), min_value=0, required=False)
    refunds_per_agent_day = forms.DecimalField(
        label=_("Refunds one specialist closes per day"), min_value=1, required=False
    )
    working_days = forms.DecimalField(
        label=_("Working days in the month"), min_value=1, required=False, initial=22
    )
    processing_cycle_days = forms.DecimalField(
        label=_("Refund processing cycle (days)"), min_value=Decimal("0.01"), required=False
    )


# -- setup pages --------------------------------------------------------------------------------
class ShiftTemplateForm(BootstrapForm):
    code = forms.CharField(label=_("Code"), max_length=10)
    label = forms.CharField(label=_("Label"), max_length=60)
    kind = forms.ChoiceField(choices=ShiftKind.choices, label=_("Kind"))
    start = forms.TimeField(label=_("Start"), widget=TimeInput())
    duration_hours = forms.DecimalField(
        label=_("Duration (hours)"),
        min_value=0,
        max_digits=4,
        decimal_places=2,
        help_text=_("1 to 12 hours in all, both parts of a split shift together."),
    )
    second_start = forms.TimeField(
        label=_("Second part starts (split shift)"),
        required=False,
        widget=TimeInput(),
    )
    second_duration_hours = forms.DecimalField(
        label=_("Second part (hours)"), min_value=0, max_digits=4, decimal_places=2, required=False
    )

    @staticmethod
    def initial_for(obj) -> dict:
        def hhmm(minute):
            if minute is None:
                return None
            minute %= 24 * 60
            return f"{minute // 60:02d}:{minute % 60:02d}"

        return {
            "code": obj.code,
            "label": obj.label,
            "kind": obj.kind,
            "start": hhmm(obj.start_minute),
            "duration_hours": obj.duration_minutes / 60,
            "second_start": hhmm(obj.second_start_minute),
            "second_duration_hours": (obj.second_duration_minutes / 60) or None,
        }

    def service_fields(self) -> dict:
        d = self.cleaned_data
        second = d.get("second_start")
        return {
            "code": d["code"],
            "label": d["label"],
            "kind": d["kind"],
            "start_minute": d["start"].hour * 60 + d["start"].minute,
            "duration_minutes": round(d["duration_hours"] * 60),
            "second_start_minute": None if second is None else second.hour * 60 + second.minute,
            "second_duration_minutes": round((d.get("second_duration_hours") or 0) * 60),
        }


class AgentProfileForm(BootstrapForm):
    groups = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Skill groups"), widget=forms.CheckboxSelectMultiple
    )
    max_weekly_hours = forms.FloatField(
        label=_("Maximum weekly hours"), required=False, min_value=1, max_value=84
    )
    cost_per_hour = forms.DecimalField(
        label=_("Cost per hour (yuan)"), min_value=0, max_digits=8, decimal_places=2, initial=0
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = groups
        self.fields["groups"].widget.attrs["class"] = "form-check-input"


class LeaveForm(BootstrapForm):
    user = forms.ModelChoiceField(queryset=None, label=_("Agent"))
    kind = forms.ChoiceField(choices=LeaveKind.choices, label=_("Kind"))
    start_date = DateField(label=_("From"), widget=DateInput())
    end_date = DateField(label=_("To"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = lambda u: u.name


class SkillGroupCreateForm(BootstrapForm):
    code = forms.CharField(label=_("Code"), max_length=30, help_text=_("Letters, digits, - or _."))
    name = forms.CharField(label=_("Name"), max_length=50)


class SkillGroupForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    queue_model = forms.ChoiceField(choices=QueueModel.choices, label=_("Queue model"))
    aht_seconds = forms.IntegerField(label=_("Average handling time (s)"), min_value=0)
    service_level = forms.FloatField(label=_("Service-level target (0–1)"))
    answer_seconds = forms.IntegerField(label=_("Answer within (s)"), min_value=0)
    shrinkage = forms.FloatField(label=_("Shrinkage (0–1)"))
    max_occupancy = forms.FloatField(label=_("Maximum occupancy (0–1)"), required=False)
    patience_seconds = forms.IntegerField(
        label=_("Mean patience for Erlang A (s)"), required=False, min_value=0
    )

    @staticmethod
    def initial_for(group) -> dict:
        return {name: getattr(group, name) for name in SkillGroupForm.base_fields}


class ChecklistItemForm(BootstrapForm):
    owner = forms.ModelChoiceField(queryset=None, label=_("Owner"), required=False)
    due_date = DateField(label=_("Due"), widget=DateInput())

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users
        self.fields["owner"].label_from_instance = lambda u: u.name


class EnteredRequirementForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    start_date = DateField(label=_("First day"), widget=DateInput())
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=35, initial=7)
    interval_minutes = forms.TypedChoiceField(
        choices=[(30, _("30 minutes")), (15, _("15 minutes")), (60, _("60 minutes"))],
        coerce=int,
        label=_("Interval"),
    )
    time_limit_seconds = forms.IntegerField(
        label=_("Time limit (seconds)"), min_value=1, max_value=600, initial=30
    )
