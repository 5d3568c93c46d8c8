"""Django's last-resort error pages, in the API's JSON error shape under /api/.

DRF's exception handler covers errors inside API views; these cover the rest
(an unknown /api/ URL, a crash in middleware) so an API client never gets HTML.
"""

from django.views import defaults

from techspec_project.errors import error_response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if _is_api(request):
        return error_response(400, "bad_request", "The request could not be understood.")
    return defaults.bad_request(request, exception, template_name)


def permission_denied(request, exception, template_name=defaults.ERROR_403_TEMPLATE_NAME):
    if _is_api(request):
        return error_response(403, "permission_denied", "You do not have permission to do this.")
    return defaults.permission_denied(request, exception, template_name)


def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    if _is_api(request):
        return error_response(404, "not_found", "No API resource at this URL.")
    return defaults.page_not_found(request, exception, template_name)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if _is_api(request):
        return error_response(500, "server_error", "Internal server error.")
    return defaults.server_error(request, template_name)
