from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` and `page_size` (up to 500), answered as {count, next, previous, results}.

    A `page_size` that is not a whole number from 1 is a 400, not the default silently;
    above 500 it is 500, as documented."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request) -> int:
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        if not given.strip().isdecimal() or int(given) < 1:
            raise ValidationError({self.page_size_query_param: ["give a whole number from 1"]})
        return min(int(given), self.max_page_size)
