"""Factories shared by all tests. Organisations get their materialised path like the service."""

from __future__ import annotations

import datetime as dt
import itertools

import factory

from tongban.accounts.models import Enterprise, Organisation, StaffRole, User
from tongban.core.validators import make_citizen_id, make_uscc

_seq = itertools.count(1)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = Organisation.Kind.AGENCY
    level = Organisation.Level.CITY
    division_code = "410100"
    code = factory.Sequence(lambda n: f"T{n:05d}")
    parent = None
    path = ""

    @factory.post_generation
    def _path(obj, create, extracted, **kwargs):
        obj.path = (obj.parent.path if obj.parent_id else "") + f"{obj.pk:06d}/"
        obj.depth = obj.parent.depth + 1 if obj.parent_id else 0
        if create:
            obj.save(update_fields=["path", "depth"])


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    real_name = factory.Sequence(lambda n: f"职员{n}")
    kind = User.Kind.STAFF
    organisation = factory.SubFactory(OrganisationFactory)
    phone = "13712345678"
    password = factory.django.Password("Secret-pass-123")

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        for role in extracted or []:
            StaffRole.objects.create(user=obj, role=role)
        obj._role_cache = None


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.LazyFunction(lambda: make_uscc("9", "1", "410100", f"MA{next(_seq):06d}"))
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    legal_representative = "张三"
    division_code = "410100"


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"applicant{n}")
    real_name = factory.Sequence(lambda n: f"申请人{n}")
    kind = User.Kind.CITIZEN
    phone = "13812345678"
    citizen_id = factory.LazyFunction(
        lambda: make_citizen_id("410102", dt.date(1990, 1, 1), next(_seq) % 1000)
    )
    password = factory.django.Password("Secret-pass-123")


class EnterpriseUserFactory(ApplicantFactory):
    kind = User.Kind.ENTERPRISE
    citizen_id = ""
    enterprise = factory.SubFactory(EnterpriseFactory)
