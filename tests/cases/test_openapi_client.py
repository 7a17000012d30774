"""Issue 13 item 8: the OpenAPI document says what the server reads. A client that knows nothing
but the document finds the item, reads the schema of `case_submit` (content type, field names,
required fields, the pattern of the file fields), builds the multipart request from it and files
an application."""

import re
import uuid

import pytest

from tongban.cases.models import Case

from .factories import pdf

pytestmark = pytest.mark.django_db


def _operations(doc: dict) -> dict[str, tuple[str, str, dict]]:
    return {
        op["operationId"]: (path, method, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
    }


def _value(name: str, prop: dict, ids: dict[str, int]):
    """A value for a documented form field, checked against what the document says of it."""
    if prop.get("type") == "integer":
        # the document names the operation whose answer carries this id
        return next(value for operation, value in ids.items() if operation in prop.get("description", ""))
    for candidate in ("13800138000", "王经理", uuid.uuid4().hex):
        if "pattern" in prop and not re.search(prop["pattern"], candidate):
            continue
        if not prop.get("minLength", 0) <= len(candidate) <= prop.get("maxLength", 10**6):
            continue
        return candidate
    raise AssertionError(f"no value fits the documented field {name}: {prop}")


def _file_field(patterns: dict, material_id: int) -> str:
    """The file field name for a material, from the documented pattern of file field names."""
    for pattern in patterns:
        prefix = pattern.removeprefix("^").split("[", 1)[0]
        name = f"{prefix}{material_id}"
        if prefix.startswith("material") and re.fullmatch(pattern, name):
            return name
    raise AssertionError(f"the document gives no file field for a material: {patterns}")


def test_an_application_built_only_from_the_openapi_document_is_filed(client, enterprise_user, version):
    doc = client.get("/api/v1/openapi.json").json()
    ops = _operations(doc)

    path, method, _op = ops["catalog_get_item"]
    item = client.get(path.replace("{code}", version.item.implementation_code)).json()

    path, method, op = ops["case_submit"]
    assert method == "post"
    content = op["requestBody"]["content"]
    assert list(content) == ["multipart/form-data"]  # the files go in the same body as the fields
    schema = content["multipart/form-data"]["schema"]
    assert "files" not in schema["properties"]  # the array the server never read
    form = {
        name: _value(name, schema["properties"][name], {"catalog_get_item": item["id"]})
        for name in schema["required"]
    }
    for material in item["materials"]:
        if material["required"] and not material["omittable"]:
            form[_file_field(schema["patternProperties"], material["id"])] = pdf(f"{material['name']}.pdf")

    client.force_login(enterprise_user)
    response = client.post(path, form)  # the test client sends multipart/form-data
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    assert case.applicant == enterprise_user and case.materials.count() == len(item["materials"])


def test_the_documented_form_fields_are_validated_as_documented(client, enterprise_user, version):
    client.force_login(enterprise_user)
    response = client.post("/api/v1/cases/", {"submission_key": "k", "contact_name": "王", "contact_phone": "13800138000"})
    assert response.status_code == 422 and response.json()["details"][0]["loc"] == ["form", "item_id"]
    response = client.post("/api/v1/cases/", {"item_id": version.item_id, "submission_key": "k", "contact_name": "王",
                                              "contact_phone": "13800138000", "material_abc": pdf()})
    assert response.status_code == 422 and "请上传" in response.json()["message"]  # not a 500 on a bad name
    assert not Case.objects.exists()


def test_the_supplement_reads_the_documented_other_fields(client, submit, clerk, enterprise_user, version):
    from tongban.cases import services

    case = submit()
    material = version.materials.first()
    services.case_request_supplement(actor=clerk, case_id=case.pk, items=[
        {"material_id": material.pk, "problem": "缺少盖章页"}, {"name": "授权委托书", "problem": "未提供"}])
    doc = client.get("/api/v1/openapi.json").json()
    path, _method, op = _operations(doc)["case_supplement"]
    patterns = op["requestBody"]["content"]["multipart/form-data"]["schema"]["patternProperties"]
    assert any(re.fullmatch(p, "other_1") for p in patterns)
    client.force_login(enterprise_user)
    response = client.post(path.replace("{case_id}", str(case.pk)),
                           {f"material_{material.pk}": pdf(), "other_1": pdf("委托书.pdf"), "note": "已补齐"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert Case.objects.get(pk=case.pk).materials.filter(name="授权委托书", round=2).exists()
