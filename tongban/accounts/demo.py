"""Demo setting: a provincial civil air defence office, two cities, two counties each."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tongban.core.demo import DEMO_PASSWORD, register, register_logins
from tongban.core.validators import make_citizen_id, make_uscc

from . import services
from .models import Enterprise, Organisation, Role, StaffRole, User

A, D, U = Organisation.Kind.AGENCY, Organisation.Kind.DEPARTMENT, Organisation.Kind.UNIT
P, C, X = Organisation.Level.PROVINCE, Organisation.Level.CITY, Organisation.Level.COUNTY

# (code, name, kind, level, division, phone, children)
TREE = (
    "HA",
    "河南省人民防空办公室",
    A,
    P,
    "410000",
    "0371-12345601",
    [
        ("HA-SPB", "行政审批办公室", D, P, "410000", "", []),
        ("HA-ZJZ", "人防工程质量监督站", U, P, "410000", "", []),
        ("HA-PGC", "工程建设与平战结合管理处", D, P, "410000", "", []),
        ("HA-FGC", "政策法规处", D, P, "410000", "", []),
        ("HA-MSC", "秘书处", D, P, "410000", "", []),
        (
            "ZZ",
            "郑州市人民防空办公室",
            A,
            C,
            "410100",
            "0371-12345602",
            [
                ("ZZ-SPB", "行政审批办公室", D, C, "410100", "", []),
                ("ZZ-ZJZ", "人防工程质量监督站", U, C, "410100", "", []),
                ("ZZ-PGC", "平战结合管理处", D, C, "410100", "", []),
                ("ZZ-ZY", "郑州市中原区人民防空办公室", A, X, "410102", "0371-12345603", []),
                ("ZZ-JS", "郑州市金水区人民防空办公室", A, X, "410105", "0371-12345604", []),
            ],
        ),
        (
            "LY",
            "洛阳市人民防空办公室",
            A,
            C,
            "410300",
            "0379-12345605",
            [
                ("LY-SPB", "行政审批办公室", D, C, "410300", "", []),
                ("LY-ZJZ", "人防工程质量监督站", U, C, "410300", "", []),
                ("LY-XG", "洛阳市西工区人民防空办公室", A, X, "410303", "0379-12345606", []),
                ("LY-LL", "洛阳市洛龙区人民防空办公室", A, X, "410311", "0379-12345607", []),
            ],
        ),
    ],
)

# username, real name, organisation code, roles
STAFF = [
    ("admin", "系统管理员", "HA", [Role.ADMIN]),
    ("hn_supervisor", "赵督查", "HA", [Role.SUPERVISOR]),
    ("zz_clerk", "王窗口", "ZZ-SPB", [Role.CLERK]),
    ("zz_reviewer", "李审查", "ZZ-SPB", [Role.REVIEWER]),
    ("zz_approver", "陈主任", "ZZ", [Role.APPROVER]),
    ("zz_supervisor", "周督查", "ZZ", [Role.SUPERVISOR]),
    ("zz_inspector", "吴执法", "ZZ-ZJZ", [Role.INSPECTOR]),
    ("zz_inspector2", "郑执法", "ZZ-ZJZ", [Role.INSPECTOR]),
    ("zz_credit", "孙信用", "ZZ", [Role.CREDIT_ADMIN]),
    ("zz_admin", "郑州管理员", "ZZ", [Role.ADMIN]),
    ("js_clerk", "钱窗口", "ZZ-JS", [Role.CLERK]),  # so complaints about 金水区 are handled there
    ("ly_clerk", "刘窗口", "LY-SPB", [Role.CLERK]),
    ("ly_approver", "杨主任", "LY", [Role.APPROVER]),
]

# name, division, org-code body (8 chars), legal representative, username
ENTERPRISES = [
    ("郑州城建置业有限公司", "410100", "MA000001", "高建国", "ent_zzcj"),
    ("中原物流仓储有限公司", "410102", "MA000002", "马立新", "ent_zywl"),
    ("洛阳恒基建筑设计院有限公司", "410300", "MA000003", "许文博", "ent_lyhj"),
    ("河南安平人防工程监理有限公司", "410105", "MA000004", "田安平", "ent_hnap"),
]

CITIZENS = [
    ("citizen_zhang", "张明", "410102", dt.date(1985, 3, 12), 123, "13800001111"),
    ("citizen_li", "李华", "410303", dt.date(1992, 11, 5), 246, "13900002222"),
]


def _org(code, name, kind, level, division, phone, parent):
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        org = services.organisation_create(
            actor=None,
            name=name,
            kind=kind,
            level=level,
            division_code=division,
            code=code,
            parent=parent,
            phone=phone,
        )
    return org


def _walk(node, parent, log):
    code, name, kind, level, division, phone, children = node
    org = _org(code, name, kind, level, division, phone, parent)
    for child in children:
        _walk(child, org, log)


@register(10, "accounts")
@transaction.atomic
def load(log) -> None:
    _walk(TREE, None, log)
    orgs = {o.code: o for o in Organisation.objects.all()}
    for username, real_name, code, roles in STAFF:
        if not User.objects.filter(username=username).exists():
            user, _ = services.staff_user_create(
                actor=None,
                username=username,
                real_name=real_name,
                organisation=orgs[code],
                roles=list(roles),
                password=DEMO_PASSWORD,
                phone="1370000" + f"{len(username):04d}",
            )
            if username == "admin":
                # The platform operator also reaches Django's admin site.
                user.is_superuser = True
                user.is_staff = True
                user.save(update_fields=["is_superuser", "is_staff"])
        else:
            user = User.objects.get(username=username)
            for role in roles:
                StaffRole.objects.get_or_create(user=user, role=role)
    for name, division, body, legal, username in ENTERPRISES:
        uscc = make_uscc("9", "1", division, body)
        ent = Enterprise.objects.filter(uscc=uscc).first() or services.enterprise_register(
            uscc=uscc, name=name, legal_representative=legal, division_code=division
        )
        if not User.objects.filter(username=username).exists():
            services.applicant_user_create(
                username=username,
                password=DEMO_PASSWORD,
                real_name=legal,
                phone="1350000" + body[-4:],
                enterprise=ent,
            )
    for username, name, division, birth, seq, phone in CITIZENS:
        if not User.objects.filter(username=username).exists():
            services.applicant_user_create(
                username=username,
                password=DEMO_PASSWORD,
                real_name=name,
                phone=phone,
                citizen_id=make_citizen_id(division, birth, seq),
            )
    log(
        f"机构 {Organisation.objects.count()} 个，用户 {User.objects.count()} 个，企业 {Enterprise.objects.count()} 家"
    )


@register_logins
def logins() -> list[tuple[str, str]]:
    rows = [
        (u, f"{n}（{', '.join(str(Role(r).label) for r in roles)}）") for u, n, _c, roles in STAFF
    ]
    rows += [(u, f"企业：{n}") for n, _d, _b, _l, u in ENTERPRISES]
    rows += [(u, f"个人：{n}") for u, n, *_ in CITIZENS]
    return rows
