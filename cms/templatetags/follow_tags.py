"""The follow button's state: rendered afresh for each reader (a personal part of the page)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def follows_item(context, page_id) -> bool:
    from cms.models import Follow

    user = context["request"].user
    return user.is_authenticated and Follow.objects.filter(user=user, page_id=page_id).exists()
