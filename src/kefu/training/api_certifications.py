"""/api/v1/training: certifications before 上岗 made from a template (PK-3, PK-4, TRN-7) — the
templates offered to the caller's line, the line's certifications, one made in one step
(201), then edited with its ``version`` (stale → 409 ``stale``). Leads and above; an agent
reads the line's certifications only. Handlers parse, call a service or selector, and return."""

from __future__ import annotations

from ninja import Field, Router, Schema, Status

from kefu.core import scope
from kefu.core.errors import NotFound, PermissionDenied
from kefu.core.inputs import Id
from kefu.training import cert_template_services, cert_templates
from kefu.training.models import Certification

router = Router(tags=["training"])


class CertComponentIn(Schema):
    code: str = Field(..., max_length=20)
    weight: float = 1
    min_score: float = 60
    must_pass: bool = True
    topics: list[str] = Field(default_factory=list, max_length=10)


class CertComponentOut(Schema):
    code: str
    weight: float
    min_score: float
    must_pass: bool
    topics: list[str] = []


class CertTemplateOut(Schema):
    code: str
    name: str
    threshold: float
    training_days: int
    validity_days: int | None
    components: list[CertComponentOut]


class CertFromTemplateIn(Schema):
    template: str = Field(..., max_length=40)
    code: str = Field("", max_length=40)
    name: str = Field("", max_length=100)


class CertUpdateIn(Schema):
    version: int
    name: str | None = Field(None, max_length=100)
    components: list[CertComponentIn] | None = Field(None, max_length=6)
    threshold: float | None = None
    validity_days: int | None = None
    training_days: int | None = None


class CertOut(Schema):
    id: int
    code: str
    name: str
    template: str
    threshold: float
    training_days: int | None
    validity_days: int | None
    components: list[CertComponentOut]
    version: int


def _lead(user) -> None:
    if not scope.at_least(user, scope.LEAD):
        raise PermissionDenied()


def _out(cert: Certification) -> dict:
    return {
        "id": cert.pk,
        "code": cert.code,
        "name": cert.name,
        "template": cert.template,
        "threshold": float(cert.threshold),
        "training_days": cert.training_days,
        "validity_days": cert.validity_days,
        "components": cert.components,
        "version": cert.version,
    }


@router.get(
    "/certification-templates",
    response=list[CertTemplateOut],
    operation_id="training_cert_template_list",
)
def template_list(request):
    """The ready certifications, those meant for the caller's industry first."""
    _lead(request.user)
    line = request.user.business_line
    language = getattr(request, "LANGUAGE_CODE", "zh-hans")
    return [
        {
            "code": t.code,
            "name": t.name(language),
            "threshold": t.threshold,
            "training_days": t.training_days,
            "validity_days": t.validity_days,
            "components": t.components(),
        }
        for t in cert_templates.for_industry(line.industry if line else "")
    ]


@router.get("/certifications", response=list[CertOut], operation_id="training_cert_list")
def cert_list(request):
    return [
        _out(c)
        for c in Certification.objects.filter(business_line_id=request.user.business_line_id)
    ]


@router.post(
    "/certifications/from-template",
    response={201: CertOut},
    operation_id="training_cert_from_template",
)
def cert_from_template(request, payload: CertFromTemplateIn):
    _lead(request.user)
    cert = cert_template_services.certification_from_template(
        actor=request.user, template=payload.template, code=payload.code, name=payload.name
    )
    return Status(201, _out(cert))


@router.patch("/certifications/{cert_id}", response=CertOut, operation_id="training_cert_update")
def cert_update(request, cert_id: Id, payload: CertUpdateIn):
    _lead(request.user)
    cert = Certification.objects.filter(
        pk=cert_id, business_line_id=request.user.business_line_id
    ).first()
    if cert is None:
        raise NotFound()
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    cert = cert_template_services.certification_update(
        actor=request.user, cert=cert, version=version, **data
    )
    return _out(cert)
