"""Under DEBUG (``make run``), a page that is not found is the product's own 404, as in production.

Django's technical 404 lists every URL pattern of the site: useful while writing a URL, confusing for
someone trying the product, and not what a person will ever see. ``TANDEM_DEBUG_TECHNICAL_404=true``
brings it back for a developer; without DEBUG this middleware is not even loaded (Django shows the
product's page anyway).
"""

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import Http404
from django.urls import Resolver404, get_resolver, get_urlconf, resolve


class ProductNotFoundMiddleware:
    """Renders the site's ``handler404`` (``templates/404.html``) where DEBUG would render the
    technical page: for a path no URL pattern matches, and for a view raising ``Http404``. Placed
    after ``CommonMiddleware``, so a path missing its slash is still redirected to the one with it."""

    def __init__(self, get_response):
        if not settings.DEBUG or settings.TANDEM_DEBUG_TECHNICAL_404:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        urlconf = getattr(request, "urlconf", None) or get_urlconf()
        try:
            resolve(request.path_info, urlconf)
        except Resolver404 as error:
            return self.not_found(request, error, urlconf)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return self.not_found(request, exception, getattr(request, "urlconf", None) or get_urlconf())
        return None

    @staticmethod
    def not_found(request, exception, urlconf):
        return get_resolver(urlconf).resolve_error_handler(404)(request, exception)
