"""API tokens: how other systems (the provincial dashboard, the reporting system) call the API.

A token acts with the roles of its user. Only a SHA-256 hash of its secret is stored; the token
itself is shown once, when it is created. Tokens are created and revoked by
:mod:`chiso.api.actions`, never deleted, so the audit trail can always name them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("token name"), max_length=100)
    # The public part of the token, to find its row without comparing every hash.
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(_("hash of the secret"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
