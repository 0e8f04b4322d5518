"""The JSON API (``/api/v1``): the same use cases as the pages, for apps and scripts."""
