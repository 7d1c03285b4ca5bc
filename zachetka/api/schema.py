"""OpenAPI: every operation also documents the problem details it may answer with."""

from drf_spectacular.openapi import AutoSchema

from zachetka.api.problems import CONTENT_TYPE, TITLES

READ_ERRORS = ("400", "401", "403", "404", "406", "429")
WRITE_ERRORS = ("409", "412", "415", "422", "428")


class ProblemAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict:
        from zachetka.api.serializers import ProblemSerializer

        responses = super()._get_response_bodies(direction)
        codes = READ_ERRORS + (WRITE_ERRORS if self.method in ("POST", "PUT", "PATCH") else ())
        if self.method in ("GET", "HEAD"):
            codes += ("304",)
        for code in codes:
            if code in responses:
                continue
            if code == "304":
                responses[code] = {"description": "Не изменилось с ETag из If-None-Match."}
                continue
            response = self._get_response_for_code(ProblemSerializer, code, media_types=[CONTENT_TYPE])
            response["description"] = TITLES.get(int(code), "")
            responses[code] = response
        return responses
