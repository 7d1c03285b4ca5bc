"""Log every response that showed learners' data (zachetka.accesslog.capture says which).

The row is written after the view, in the request's own connection, as one INSERT; finding
the learners of a URL listed in `capture.WATCHED` is one SELECT of ids by an indexed column.
Measured with bench/access_log.py (SQLite, a 2-core machine shared with other work): the group
page of 300 learners took 327.6 ms with the log and 331.2 ms without (within the noise), 15
queries against 13; the log's own work on it (the SELECT of 300 ids and the INSERT) 8.7 ms.
«Who looked at X» over 50,000 rows: 105 ms for a month's page, 316 ms for a year's.

Why one row with a text list rather than a row per learner: a group page, a gradebook or an
export shows hundreds of learners, and is opened many times a day; a row per learner would be
hundreds of rows per request (and on SQLite several INSERT statements, its bound-parameter
limit splitting a bulk insert), and a narrow side table filled by a bulk insert would be a
second INSERT per request. The text list keeps one INSERT; the rare question «who looked at X in
this period» reads the period's rows by the index on `at` and matches `,X,` in them, which both
databases do the same way (INSTR, STRPOS; a JSON array would need JSON containment, which
SQLite lacks).

Writing happens before the response leaves: if the log cannot be written, the data is not
shown (the error propagates), so nothing is seen unrecorded.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from zachetka.accesslog import capture, services


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # 201 too: an API write answers with the row it made, learner's data included.
        if response.status_code not in (200, 201) or user is None or not user.is_authenticated:
            return response
        learner_ids = capture.learners_shown(request)
        if learner_ids:
            match = request.resolver_match
            object_id = "" if match is None else "/".join(str(value) for value in match.kwargs.values())
            services.record_access(
                by=user,
                learner_ids=learner_ids,
                view_name=match.view_name if match else "",
                object_id=object_id,
                path=request.path,
                content_type=response.get("Content-Type", ""),
            )
        return response
