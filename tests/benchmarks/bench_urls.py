"""URLs of the page benchmark: the application plus a bare view, the framework's floor."""

from django.http import HttpResponse
from django.urls import include, path


def vue_nue(request):
    return HttpResponse("ok")


urlpatterns = [path("__nue__/", vue_nue), path("", include("partenariat.urls"))]
