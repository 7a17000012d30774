"""Factories shared by all tests. Organisations get their materialised path like the service."""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def demo_loaded(django_db_blocker, tmp_path_factory, name: str):
    """The demo, loaded once for a test module inside a transaction that is rolled back after
    it; its on-commit work (notifications, enqueued tasks) runs as after a real commit, and its
    uploads go to a temporary directory."""
    from unittest import mock

    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.test import TestCase, override_settings

    from tongban.core.calendar_store import invalidate
    from tongban.policies import demo as policies_demo

    storage = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                           "OPTIONS": {"location": str(tmp_path_factory.mktemp(name))}}}
    with (
        django_db_blocker.unblock(),
        override_settings(STORAGES={**settings.STORAGES, **storage}),
        # The generated enterprise population only adds volume; 3,000 would triple the load time.
        mock.patch.object(policies_demo, "N_GENERATED", 60),
        transaction.atomic(),
    ):
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("demo", "--quiet")
        yield
        transaction.set_rollback(True)
    invalidate()  # the in-process calendar must not outlive the rolled-back rows
