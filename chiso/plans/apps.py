from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "chiso.plans"
    verbose_name = _("Reform plans and targets")
