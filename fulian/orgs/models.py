"""The org tree: every women's organisation, from the district federation down to a
village, and every institution, enterprise, new-sector and social organisation."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from fulian.core.scope import subtree_bounds, user_org
from fulian.core.text import search_key


class OrgKind(models.TextChoices):
    PROVINCE = "province", _("省妇联")
    CITY = "city", _("市妇联")
    DISTRICT = "district", _("区县妇联")
    STREET = "street", _("街道妇联")
    TOWN = "town", _("乡镇妇联")
    COMMUNITY = "community", _("社区妇联")
    VILLAGE = "village", _("村妇联")
    INSTITUTION = "institution", _("机关妇委会")
    ENTERPRISE = "enterprise", _("企事业单位妇委会")
    NEW_ECONOMIC = "new_economic", _("新经济组织妇联")
    NEW_SOCIAL = "new_social", _("新社会组织妇联")
    NEW_EMPLOYMENT = "new_employment", _("新就业群体妇联")
    SOCIAL = "social", _("社会组织妇联")


# Kinds that follow the administrative divisions and carry an NBS code.
DIVISION_KINDS = frozenset(
    {
        OrgKind.PROVINCE,
        OrgKind.CITY,
        OrgKind.DISTRICT,
        OrgKind.STREET,
        OrgKind.TOWN,
        OrgKind.COMMUNITY,
        OrgKind.VILLAGE,
    }
)
# 三新组织: new economic organisations, new social organisations, new employment groups.
NEW_SECTOR_KINDS = frozenset({OrgKind.NEW_ECONOMIC, OrgKind.NEW_SOCIAL, OrgKind.NEW_EMPLOYMENT})
UNIT_KINDS = frozenset(set(OrgKind) - DIVISION_KINDS)


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    DISSOLVED = "dissolved", pgettext_lazy("org status", "已撤销")


class OrgQuerySet(MP_NodeQuerySet):
    def in_subtree(self, org: Org) -> OrgQuerySet:
        return self.filter(path__range=subtree_bounds(org.path))

    def for_user(self, user: Any) -> OrgQuerySet:
        org = user_org(user)
        if org is None:
            return self.none()
        return self.in_subtree(org)

    def divisions(self) -> OrgQuerySet:
        return self.filter(kind__in=DIVISION_KINDS)

    def search(self, query: str) -> OrgQuerySet:
        from fulian.core.text import normalise_query

        return self.filter(search_text__contains=normalise_query(query))


class OrgManager(MP_NodeManager.from_queryset(OrgQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> OrgQuerySet:
        # MP_NodeManager hard-codes its own queryset class; keep its ordering by path.
        return OrgQuerySet(self.model, using=self._db).order_by("path")


class Org(MP_Node):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    code = models.CharField(_("统计用区划代码"), max_length=12, unique=True, null=True, blank=True)
    established = models.DateField(_("成立日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=OrgStatus.choices, default=OrgStatus.ACTIVE
    )
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    search_text = models.CharField(max_length=400, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgManager()

    node_order_by: list[str] = []

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        # Children: one depth and a path range; without (depth, path) a root scans its subtree.
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["depth", "path"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_division(self) -> bool:
        return self.kind in DIVISION_KINDS

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    def refresh_search_text(self) -> None:
        self.search_text = search_key(self.name)

    def get_additional_data(self) -> dict[str, Any]:
        """Stored with each audit entry so the audit page can filter by subtree."""
        return {"org_id": self.pk, "org_path": self.path}

    def contains(self, other: Org) -> bool:
        """Whether ``other`` is this org or below it."""
        return other.path.startswith(self.path)
