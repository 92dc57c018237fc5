from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``?page=N`` (from 1) and ``?page_size=`` up to 100; lists are in a stable order."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
