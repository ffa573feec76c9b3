"""Hostile input is refused with a 400 before it reaches code that would fail on it.

PostgreSQL rejects NUL characters in text, so a NUL anywhere in a request would become a
database error deep in a view; it is refused here for every path. The editor (Wagtail's admin)
parses form data and JSON that its own code trusts; the form shapes it trips over (counts,
child ids, damaged images) are checked here, and any exception it still raises while reading
malformed input becomes a 400 instead of a 500. Only shapes are checked, never the text people
write. docs/security.md lists each case, ready to report upstream.
"""

import logging
import re

from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, RawPostDataException
from django.shortcuts import render
from draftjs_exporter.error import ExporterException

logger = logging.getLogger(__name__)

ADMIN_PREFIX = "/admin/"
MAX_FORMS = 1000  # a StreamField or formset with more children than this is not an edit
MAX_JSON_DEPTH = 64

# Form counts: StreamField/ListBlock "-count" and Django formsets' management fields.
COUNT_FIELD = re.compile(r"(?:^|-)(?:count|TOTAL_FORMS|INITIAL_FORMS|MIN_NUM_FORMS|MAX_NUM_FORMS)$")
# Child ids: database ids in inline formsets, UUIDs for StreamField blocks.
ID_FIELD = re.compile(r"-\d+-id$")
VALID_ID = re.compile(r"^(?:\d{1,18}|[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                      r"[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})?$")

# Exceptions Wagtail's admin raises when it parses data it did not produce.
MALFORMED_INPUT_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError,
                          RecursionError, ValidationError, ExporterException)


class BadInput(Exception):
    pass


def _check_text(value: str, where: str):
    if "\x00" in value:
        raise BadInput(f"The {where} contains a null character, which is never valid here.")


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Does ``text`` nest arrays or objects deeper than ``limit``? Counted without parsing, so
    a hostile document cannot exhaust the parser's recursion."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _check_editor_field(name: str, value: str):
    if COUNT_FIELD.search(name):
        if not (value.strip().isascii() and value.strip().isdigit()) or int(value) > MAX_FORMS:
            raise BadInput(f"The form field {name} must be a number from 0 to {MAX_FORMS}.")
    elif ID_FIELD.search(name) and not VALID_ID.match(value.strip()):
        raise BadInput(f"The form field {name} is not a valid id.")


def check_request(request):
    """Raise BadInput if the request carries input the portal refuses outright."""
    _check_text(request.path, "address")
    for key, values in request.GET.lists():
        for value in [key, *values]:
            _check_text(value, "address")
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    content_type = request.content_type or ""
    if content_type == "application/json":
        try:
            body = request.body.decode("utf-8")
        except (UnicodeDecodeError, RawPostDataException):
            raise BadInput("The request body is not valid UTF-8 JSON.") from None
        _check_text(body.replace("\\u0000", "\x00"), "request body")
        if json_depth_exceeds(body):
            raise BadInput("The request body is nested too deeply.")
        return
    editor = request.path.startswith(ADMIN_PREFIX)
    for key, values in request.POST.lists():
        _check_text(key, "form")
        for value in values:
            _check_text(value, "form")
            if editor:
                _check_editor_field(key, value)
    for _key, uploads in request.FILES.lists():
        for upload in uploads:
            _check_text(upload.name or "", "file name")
            if editor and (upload.content_type or "").startswith("image/"):
                _check_image(upload)


def _check_image(upload):
    """An image Pillow recognises must decode completely: Wagtail reads a damaged one only
    later, and fails. Formats Pillow does not know are left to Wagtail's own validation."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(upload)
    except (UnidentifiedImageError, OSError):
        upload.seek(0)
        return
    try:
        image.load()
    except Exception:  # noqa: BLE001 - any decoding failure means a damaged file
        raise BadInput(f"The image {upload.name} is damaged or incomplete. Upload the whole "
                       "file again.") from None
    finally:
        upload.seek(0)  # the upload stays open for Wagtail (Image.close() would close it)


class HostileInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key + value for key, value in request.COOKIES.items()):
            # Answered before anything reads the session, which would look the cookie up.
            return HttpResponseBadRequest("A cookie contains a null character. Clear this "
                                          "site's cookies and try again.",
                                          content_type="text/plain")
        try:
            check_request(request)
        except BadInput as error:
            return bad_input_response(request, str(error))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith(ADMIN_PREFIX) and isinstance(exception, MALFORMED_INPUT_ERRORS):
            # Logged with its traceback: a genuine bug must stay visible to operators.
            logger.warning("Editor input refused with 400 at %s", request.path, exc_info=True)
            return bad_input_response(
                request, "The editor could not read what was sent. Reload the page and try "
                "again; nothing was saved.")
        return None


def bad_input_response(request, message):
    return render(request, "error.html", {"title": "Bad request", "message": message},
                  status=400)
