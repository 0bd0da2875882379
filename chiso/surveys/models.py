"""Satisfaction surveys: questionnaires, campaigns with quotas, contacts, invitations, responses
and the double-keyed paper forms.

Privacy (sipas.md §6; the issue): contact data (:class:`Contact`) lives apart from answers; a
:class:`Response` never points to a contact, only an :class:`Invitation` does, and no agency
user ever reaches either — agencies see aggregates at most.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.surveys.spec import Questionnaire as QuestionnaireSpec
from chiso.surveys.spec import parse_questionnaire


class Questionnaire(models.Model):
    """One version of a questionnaire. A published version never changes: a change is a new
    version, so responses always match the text their respondent saw."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    code = models.CharField(_("code"), max_length=60)
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="draft")
    title = models.CharField(_("title"), max_length=255)
    definition = models.JSONField(_("definition"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="questionnaire_code_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @cached_property
    def spec(self) -> QuestionnaireSpec:
        if self.status == self.Status.PUBLISHED:
            return _published_spec(self)
        return parse_questionnaire(self.definition)


_SPECS: dict[tuple[str, int], QuestionnaireSpec] = {}


def _published_spec(q: Questionnaire) -> QuestionnaireSpec:
    """Parsed once per process: a published code and version never changes, and every
    submission asks for it (the definition may be deferred: it is read only on a miss)."""
    found = _SPECS.get((q.code, q.version))
    if found is None:
        found = _SPECS[(q.code, q.version)] = parse_questionnaire(q.definition)
    return found


class Group(models.TextChoices):
    """Respondent groups (par-index.md §1.3; sipas.md §7): kept as a fixed list because the
    forms and quotas name them."""

    CITIZEN = "citizen", _("citizens")
    ORGANISATION = "organisation", _("organisations, businesses")
    COUNCIL_DELEGATE = "council_delegate", _("People's Council delegates")
    AGENCY_LEADER = "agency_leader", _("agency leaders")
    COMMUNE_LEADER = "commune_leader", _("commune leaders")
    CIVIL_SERVANT = "civil_servant", _("civil servants")


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    PAPER = "paper", _("paper")


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("being prepared")
        OPEN = "open", _("collecting answers")
        CLOSED = "closed", _("closed")

    year = models.PositiveSmallIntegerField(_("year evaluated"))
    name = models.CharField(_("name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="draft")
    questionnaires = models.ManyToManyField(
        Questionnaire, verbose_name=_("questionnaires"), related_name="campaigns"
    )
    agencies = models.ManyToManyField(
        "org.Agency", verbose_name=_("agencies evaluated"), related_name="survey_campaigns"
    )
    margin = models.DecimalField(
        _("margin of error e"), max_digits=4, decimal_places=3, default=Decimal("0.05")
    )
    min_cell = models.PositiveSmallIntegerField(_("smallest count shown"), default=5)
    no_opinion = models.CharField(
        _("'no opinion' answers"),
        max_length=10,
        choices=[
            ("exclude", _("left out of the denominator")),
            ("count", _("counted as not satisfied")),
        ],
        default="exclude",
    )
    seed = models.PositiveIntegerField(_("random seed of the draws"), default=2024)
    open_questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire of the open link"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    open_code = models.CharField(_("open link code"), max_length=40, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class Quota(models.Model):
    """How many counted responses the campaign wants in one agency × group × channel cell."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas")
    agency = models.ForeignKey("org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT)
    group = models.CharField(_("respondent group"), max_length=20, choices=Group.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    target = models.PositiveIntegerField(_("target"))

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "agency", "group", "channel"], name="quota_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.group} {self.channel}: {self.target}"


class Contact(models.Model):
    """One person of a sample frame. Never shown to agencies, never joined to answers."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contacts")
    agency = models.ForeignKey("org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT)
    group = models.CharField(_("respondent group"), max_length=20, choices=Group.choices)
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.CharField(_("e-mail"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    source = models.CharField(_("source file"), max_length=255, blank=True)
    line = models.PositiveIntegerField(_("row in the file"), default=0)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"#{self.pk}"  # never the name: audit rows and logs must not carry it


class SentVia(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS/Zalo hand-off file")


class Invitation(models.Model):
    """A unique link (online) or a numbered form (paper) for one respondent.

    The form number ``K<campaign>-<agency>-<number>`` encodes campaign and agency, so a form
    keyed under the wrong agency is refused."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT)
    group = models.CharField(_("respondent group"), max_length=20, choices=Group.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    token = models.CharField(max_length=40, unique=True)
    form_number = models.CharField(_("form number"), max_length=40, unique=True)
    contact = models.OneToOneField(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Sending (actions/sending.py): e-mail, or a line of the hand-off file for the province's
    # SMS/Zalo gateway. ``send_count`` counts the first sending and every reminder.
    sent_via = models.CharField(_("sent by"), max_length=10, choices=SentVia.choices, blank=True)
    sent_at = models.DateTimeField(_("first sent"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=0)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["form_number"]

    def __str__(self) -> str:
        return self.form_number


class Response(models.Model):
    """The answers of one respondent. Online: saved section by section, counted once
    submitted. Paper: created when two keyings agree or a third person reconciles them."""

    class Status(models.TextChoices):
        STARTED = "started", _("started")
        SUBMITTED = "submitted", _("submitted")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT)
    group = models.CharField(_("respondent group"), max_length=20, choices=Group.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    open_link = models.BooleanField(_("through the open link"), default=False)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.PROTECT, related_name="response"
    )
    token = models.CharField(max_length=40, unique=True)
    answers = models.JSONField(default=dict)
    section = models.PositiveSmallIntegerField(default=0)  # next section to answer (online)
    status = models.CharField(max_length=10, choices=Status.choices, default="started")
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    excluded = models.BooleanField(_("excluded"), default=False)
    exclusion_reason = models.CharField(_("reason for exclusion"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["pk"]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel}"


class PaperEntry(models.Model):
    """One operator's keying of one paper form; two by different operators make a response."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="entries")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="survey_entries"
    )
    answers = models.JSONField(default=dict)
    seconds = models.PositiveIntegerField(_("seconds spent"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("paper form keying")
        verbose_name_plural = _("paper form keyings")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "operator"], name="entry_once_per_operator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitation_id} / {self.operator_id}"
