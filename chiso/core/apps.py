from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "chiso.core"
    verbose_name = _("chiso")

    def ready(self) -> None:
        from chiso.core import checks  # noqa: F401  (registers the settings checks)
