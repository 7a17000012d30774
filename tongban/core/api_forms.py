"""Multipart API operations whose file fields are named by data (`material_<id>`, `bm_<key>`).

django-ninja documents only file fields with fixed names, so such an operation used to document a
`files[]` array the server never read: a client written from the OpenAPI document failed. These
operations read the form themselves (`parse_form`, `files_named`) and document exactly that body
(`multipart_body`): the form fields of a Schema and, as `patternProperties`, the file fields by
the pattern of their names (OpenAPI 3.1 is JSON Schema 2020-12)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ninja import Schema
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError

FILE_TYPES = "PDF、JPG、PNG、OFD、DOCX、XLSX"


def multipart_body(schema: type[Schema], *, files: Mapping[str, str]) -> dict:
    """`openapi_extra` for an operation that reads `schema`'s fields and the files whose names
    match the patterns of `files` (pattern -> description) from one multipart/form-data body."""
    body = schema.model_json_schema()
    body.pop("$defs", None)  # flat forms only: a nested schema cannot be sent as form fields
    body["patternProperties"] = {
        pattern: {
            "type": "string",
            "format": "binary",
            "description": f"{description}（单个文件上限 20 MB，{FILE_TYPES}）",
        }
        for pattern, description in files.items()
    }
    return {
        "requestBody": {
            "required": True,
            "content": {"multipart/form-data": {"schema": body}},
        }
    }


def parse_form(request, schema: type[Schema]) -> Schema:
    """The form fields of `schema` from the request; a 422 naming each bad field, as ninja's own
    form parsing answers."""
    data = {name: request.POST.get(name) for name in schema.model_fields if name in request.POST}
    try:
        return schema.model_validate(data)
    except PydanticValidationError as exc:
        raise NinjaValidationError(
            [
                {"loc": ["form", *(str(p) for p in e["loc"])], "msg": e["msg"], "type": e["type"]}
                for e in exc.errors()
            ]
        ) from None


def files_named(request, pattern: str) -> dict[str, object]:
    """The uploaded files whose field names match `pattern`, keyed by its first group."""
    regex = re.compile(pattern)
    found = {}
    for name, upload in request.FILES.items():
        match = regex.fullmatch(name)
        if match:
            found[match.group(1)] = upload
    return found
