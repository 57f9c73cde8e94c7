"""The API's JSON parser: bodies nested deeper than trackflow.bounded_json allows are a 400."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from trackflow.bounded_json import TOO_DEEP, TooDeep, checked


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return checked(super().parse(stream, media_type, parser_context))
        except (RecursionError, TooDeep):
            raise ParseError(f"JSON parse error - {TOO_DEEP}") from None
