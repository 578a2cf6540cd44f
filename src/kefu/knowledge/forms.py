from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.inputs import DateField
from kefu.core.widgets import DateInput
from kefu.knowledge.models import ArticleStatus, Audience, RuleKind


class _Bootstrap(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def add_domain_error(self, exc) -> None:
        for name, message in exc.fields.items():
            self.add_error(name if name in self.fields else None, str(message))
        if not exc.fields:
            self.add_error(None, str(exc.message))


class ArticleForm(_Bootstrap):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 10}))
    category = forms.CharField(
        label=_("Category"),
        required=False,
        max_length=120,
        help_text=_("A path such as 售后/退换货; missing categories are created."),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas or 、.")
    )
    status = forms.ChoiceField(label=_("Status"), choices=ArticleStatus.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    review_on = DateField(label=_("Review date"), required=False, widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PhraseForm(_Bootstrap):
    category = forms.CharField(label=_("Category"), max_length=30)
    shortcut = forms.CharField(
        label=_("Shortcut"), max_length=30, help_text=_("Typed after / in a reply box.")
    )
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Variables: {客户姓名} {订单号} {工单号} {问题} {客服姓名}"),
    )
    phrase_set = forms.TypedChoiceField(
        label=_("Phrase set"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, sets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phrase_set"].choices = [("", _("Standard (always on)"))] + [
            (s.pk, s.name) for s in sets
        ]


class RuleForm(_Bootstrap):
    kind = forms.ChoiceField(label=_("Kind"), choices=RuleKind.choices)
    situation = forms.CharField(label=_("Situation"), max_length=30, required=False)
    pattern = forms.CharField(label=_("Phrase to flag"), max_length=200)
    is_regex = forms.BooleanField(label=_("Regular expression"), required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("For a regular expression: what it flags, in words. Pages show this."),
    )
    suggestion = forms.CharField(label=_("Polite wording"), max_length=200, required=False)


class SynonymForm(_Bootstrap):
    terms = forms.CharField(
        label=_("Words that mean the same"), help_text=_("Separated by commas, e.g. 退款, 退钱")
    )


class WordForm(_Bootstrap):
    word = forms.CharField(label=_("Word"), max_length=30)


class ImportForm(_Bootstrap):
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))
