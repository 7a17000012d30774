"""Template tags for the application form: the authorisation panel of licence reuse, and the
per-material slot the panel's answer fills in (htmx out-of-band swap)."""

from django import template

from tongban.licences.reuse import reusable_materials

register = template.Library()


@register.inclusion_tag("licences/_reuse_panel.html", takes_context=True)
def licence_reuse_panel(context, version):
    request = context.get("request")
    checked = bool(request is not None and request.method == "POST" and request.POST.get("licence_reuse") == "1")
    return {"version": version, "materials": reusable_materials(version), "checked": checked}


@register.inclusion_tag("licences/_reuse_slot.html")
def licence_reuse_slot(material):
    from tongban.licences.models import LicenceType

    reusable = bool(material.provides_from) and LicenceType.objects.filter(
        code=material.provides_from, is_active=True).exists()
    return {"m": material, "reusable": reusable}
