"""Test URL conf: the project's URLs plus the knowledge pages, help pages and API router, mounted
as kefu/urls.py and kefu/api.py will mount them."""

from django.urls import include, path
from ninja import NinjaAPI

from kefu.accounts.auth import API_AUTH
from kefu.core.errors import DomainError
from kefu.knowledge.api import router as knowledge_router
from kefu.urls import urlpatterns as base

api = NinjaAPI(urls_namespace="kb_test", auth=API_AUTH, docs_url=None)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


api.add_router("/kb", knowledge_router)

urlpatterns = [
    *base,
    path("kb/", include("kefu.knowledge.urls")),
    path("help/", include("kefu.knowledge.public_urls")),
    path("kbapi/v1/", api.urls),
]
