"""Template filters every app may use."""

from django import template

register = template.Library()


@register.filter
def entries(mapping) -> list[tuple]:
    """The (key, value) pairs of a dict or QueryDict.

    `{% for k, v in d.items %}` looks up a key named "items" before the method, so data holding
    such a key (an audit event that changed a bundle's items, a query string `?items=`) broke
    the page with a 500.
    """
    items = getattr(mapping, "items", None)
    return list(items()) if callable(items) else []
