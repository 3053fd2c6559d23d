"""``{{ text|public }}``: free text on a public page through the platform's one masking function."""
from __future__ import annotations

from django import template

from iccity.core.privacy import mask_public_text

register = template.Library()


@register.filter(name="public")
def public(value) -> str:
    # The result is plain text: autoescaping still applies (it is not marked safe).
    return mask_public_text(value)
