"""Forms of the customer pages: they parse input; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.accounts.forms import BootstrapMixin
from kefu.core.inputs import DateField
from kefu.core.widgets import DateInput
from kefu.customers.loyalty import GENERAL, LOST, LOYAL
from kefu.customers.models import Gender, Tier

DATE = DateInput()
SEGMENT_CHOICES = [
    ("", _("Any segment")),
    (LOYAL, _("Loyal")),
    (GENERAL, _("General")),
    (LOST, _("Lost")),
]


class CustomerFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Name or phone digits"), required=False, max_length=100)
    tier = forms.ChoiceField(
        label=_("Tier"), required=False, choices=[("", _("Any tier")), *Tier.choices]
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=30)
    agent = forms.ChoiceField(label=_("Dedicated agent"), required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False, choices=SEGMENT_CHOICES)
    created_after = DateField(label=_("Created from"), required=False, widget=DATE)
    created_before = DateField(label=_("Created until"), required=False, widget=DATE)

    def __init__(self, *args, agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody")),
            *[(str(u.pk), u.name) for u in agents],
        ]
        self.fields["q"].widget.attrs.update(
            {"data-search-box": "", "autocomplete": "off", "placeholder": _("Name or 4+ digits")}
        )


class CustomerForm(BootstrapMixin, forms.Form):
    """Create and edit. For users without full contact access, edit leaves phone and address
    blank (they are not sent to the browser) and a blank value means "unchanged"."""

    CONTACT = ("phone", "phone2", "address")

    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=40)
    phone2 = forms.CharField(label=_("Second phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=150, required=False)
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices, initial=Tier.NORMAL)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=480,
        help_text=_("Separate tags with commas or 、"),
    )
    source_channel = forms.CharField(label=_("Source"), max_length=20, required=False)
    dedicated_agent = forms.ChoiceField(label=_("Dedicated agent"), required=False)
    first_visit_on = DateField(label=_("First visit"), required=False, widget=DATE)
    wanted_services = forms.CharField(
        label=_("Services wanted"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, agents=(), masked_contact: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dedicated_agent"].choices = [
            ("", _("Nobody")),
            *[(str(u.pk), u.name) for u in agents],
        ]
        self.masked_contact = masked_contact
        if masked_contact is not None:
            for name in self.CONTACT:
                self.fields[name].required = False
                shown = masked_contact.get(name) or ""
                self.fields[name].help_text = (
                    _("Now %(value)s; leave blank to keep it.") % {"value": shown} if shown else ""
                )

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["dedicated_agent"] = data.get("dedicated_agent") or None
        data["gender"] = data.get("gender") or ""
        if self.masked_contact is not None:
            for name in self.CONTACT:
                if not data.get(name):
                    data.pop(name, None)
        return data


class NoteForm(BootstrapMixin, forms.Form):
    body = forms.CharField(
        label=_("New note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class VehicleForm(BootstrapMixin, forms.Form):
    model_name = forms.CharField(label=_("Vehicle model"), max_length=100)
    plate = forms.CharField(label=_("Plate number"), max_length=20, required=False)
    kind = forms.CharField(label=_("Vehicle type"), max_length=50, required=False)
    maintenance_interval_days = forms.IntegerField(
        label=_("Maintenance interval (days)"), required=False, min_value=1, max_value=3650
    )
    next_maintenance_on = DateField(label=_("Next maintenance"), required=False, widget=DATE)


class ServiceRecordForm(BootstrapMixin, forms.Form):
    serviced_on = DateField(label=_("Service date"), widget=DATE)
    items = forms.CharField(label=_("Repair/maintenance items"), max_length=2000)
    mileage_km = forms.IntegerField(label=_("Mileage (km)"), required=False, min_value=1)
    amount = forms.DecimalField(label=_("Amount"), required=False, min_value=0, max_digits=10)


class UnitForm(BootstrapMixin, forms.Form):
    building = forms.CharField(label=_("Building"), max_length=20)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    room = forms.CharField(label=_("Room"), max_length=20)
    area_m2 = forms.DecimalField(label=_("Area (m²)"), required=False, min_value=0, max_digits=8)


class BuyerAccountForm(BootstrapMixin, forms.Form):
    platform = forms.CharField(label=_("Platform"), max_length=30)
    platform_user_id = forms.CharField(label=_("Platform ID"), max_length=100)


class OrderForm(BootstrapMixin, forms.Form):
    order_no = forms.CharField(label=_("Order number"), max_length=40)
    platform = forms.CharField(label=_("Platform"), max_length=30, required=False)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=12)
    status = forms.CharField(label=_("Order status"), max_length=20, required=False)
    placed_at = DateField(label=_("Placed on"), required=False, widget=DATE)


class MembershipForm(BootstrapMixin, forms.Form):
    card_no = forms.CharField(label=_("Card number"), max_length=40)
    balance = forms.DecimalField(label=_("Balance"), required=False, min_value=0, max_digits=12)
    lesson_hours = forms.DecimalField(
        label=_("Lesson hours"), required=False, min_value=0, max_digits=8, decimal_places=1
    )
    expires_on = DateField(label=_("Expires on"), required=False, widget=DATE)


ASSET_FORMS = {
    "vehicle": VehicleForm,
    "unit": UnitForm,
    "buyer_account": BuyerAccountForm,
    "order": OrderForm,
    "membership": MembershipForm,
}


class MergeForm(BootstrapMixin, forms.Form):
    merge = forms.IntegerField(
        label=_("Customer number to merge into this one"), min_value=1, max_value=2**63 - 1
    )


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    allow_partial = forms.BooleanField(
        label=_("Load the valid rows even if some rows have errors"), required=False
    )
