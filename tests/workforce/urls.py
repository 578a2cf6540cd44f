"""Test URL conf: the project's URLs plus the workforce pages and API router, mounted as
kefu/urls.py and kefu/api.py will mount them."""

from django.urls import include, path
from ninja import NinjaAPI

from kefu.accounts.auth import API_AUTH
from kefu.core.errors import DomainError
from kefu.urls import urlpatterns as base
from kefu.workforce.api import router as workforce_router

api = NinjaAPI(urls_namespace="wfm_test", auth=API_AUTH, docs_url=None)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


api.add_router("/workforce", workforce_router)

urlpatterns = [
    *base,
    path("workforce/", include("kefu.workforce.urls")),
    path("wfmapi/v1/", api.urls),
]
