"""The line's penalty policy (yuan per 重复 / 恶性 complaint, finance's e-mail) is configuration an
administrator sets in the admin; every change is audited."""

from django.contrib import admin

from kefu.core import audit
from kefu.quality.models import PenaltyPolicy


@admin.register(PenaltyPolicy)
class PenaltyPolicyAdmin(admin.ModelAdmin):
    list_display = ("business_line", "repeat_yuan", "malignant_yuan", "finance_email")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action="quality.policy_change",
            obj=obj,
            business_line_id=obj.business_line_id,
            changes={f: str(form.cleaned_data.get(f)) for f in form.changed_data},
        )
