from django import forms


class BootstrapMixin:
    """Give widgets Bootstrap classes so templates can render `{{ field }}` as is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            if self.is_bound and self.errors.get(field_name_of(self, field)):
                widget.attrs["class"] += " is-invalid"


def field_name_of(form, field) -> str:
    for name, f in form.fields.items():
        if f is field:
            return name
    return ""
