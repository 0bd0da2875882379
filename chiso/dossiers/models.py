"""Procedure dossiers (hồ sơ TTHC) in the national portal's sync vocabulary, and what is derived.

Raw fields keep the DVCQG names in their help text (dossier-schema.md §2); derived fields
(``on_time``, ``late_days``, ``full_online``…) are written by :mod:`chiso.dossiers.rules` only,
and :class:`DailyRollup` by :mod:`chiso.dossiers.rollups` in the same transaction.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """An announced exception to the working calendar: a Saturday worked in exchange (làm bù)
    or a weekday off (nghỉ bù, or a holiday the ``holidays`` package does not know)."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {'+' if self.is_working else '-'}"


class TimeUnit(models.TextChoices):
    """DonViTinh / LoaiThoiGian of a time limit."""

    WORKING_DAY = "working_day", _("working days")
    WORKING_HOUR = "working_hour", _("working hours")
    DAY = "day", _("calendar days")


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) as published in the national database."""

    class Level(models.TextChoices):
        PROVINCE = "tinh", _("province")
        COMMUNE = "xa", _("commune")
        VERTICAL = "nganh_doc", _("vertical branch")

    class Online(models.TextChoices):
        NONE = "none", _("no online service")
        PARTIAL = "partial", _("partly online")
        FULL = "full", _("end-to-end online")

    code = models.CharField(_("procedure code"), max_length=40, unique=True, help_text="MaTTHC")
    name = models.CharField(_("name"), max_length=500)
    field_code = models.CharField(_("field code"), max_length=40, help_text="MaLinhVuc")
    field_name = models.CharField(_("field"), max_length=255, help_text="TenLinhVuc")
    level = models.CharField(_("competence level"), max_length=12, choices=Level.choices)
    time_limit = models.DecimalField(_("legal time limit"), max_digits=8, decimal_places=2)
    time_unit = models.CharField(_("time unit"), max_length=12, choices=TimeUnit.choices)
    online = models.CharField(_("online level"), max_length=8, choices=Online.choices)
    full_online_eligible = models.BooleanField(_("eligible for end-to-end online"), default=False)
    has_fee = models.BooleanField(_("fee-bearing"), default=False)
    paper_result = models.BooleanField(_("returns a paper result"), default=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Role(models.TextChoices):
    """Who owns a step of an internal procedure (dossier-schema.md, process_step_template)."""

    ONE_STOP = "mot_cua", _("one-stop officer")
    SPECIALIST = "chuyen_vien", _("specialist")
    DIVISION_HEAD = "lanh_dao_phong", _("division head")
    AGENCY_LEADER = "lanh_dao_co_quan", _("agency leader")
    COMMITTEE_LEADER = "lanh_dao_ubnd", _("People's Committee leader")
    INTER_AGENCY = "co_quan_lien_thong", _("inter-agency")


class ProcessTemplate(models.Model):
    """One version of the internal procedure (quy trình nội bộ) of a procedure."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="templates"
    )
    version = models.PositiveIntegerField(_("version"))
    decision = models.CharField(_("approving decision"), max_length=120, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)

    class Meta:
        verbose_name = _("internal procedure")
        verbose_name_plural = _("internal procedures")
        ordering = ["procedure__code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "version"], name="template_version")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.version}"


class ProcessStep(models.Model):
    template = models.ForeignKey(
        ProcessTemplate,
        verbose_name=_("internal procedure"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    number = models.PositiveSmallIntegerField(_("step"))
    name = models.CharField(_("step name"), max_length=255)
    role = models.CharField(_("responsible role"), max_length=20, choices=Role.choices)
    unit = models.CharField(_("owning unit"), max_length=255, blank=True)
    allotted = models.DecimalField(_("allotted time"), max_digits=8, decimal_places=2)
    allotted_unit = models.CharField(_("time unit"), max_length=12, choices=TimeUnit.choices)

    class Meta:
        verbose_name = _("internal procedure step")
        verbose_name_plural = _("internal procedure steps")
        ordering = ["template", "number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="step_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Dossier(models.Model):
    """One dossier; raw fields as sent by the one-stop system, derived fields by rules.py."""

    code = models.CharField(_("dossier code"), max_length=60, unique=True, help_text="MaHoSo")
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("resolving agency"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        help_text="DonViXuLy",
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="dossiers"
    )
    field_code = models.CharField(_("field code"), max_length=40)
    status = models.PositiveSmallIntegerField(_("status"), help_text="TrangThaiHoSo 1–10")
    channel = models.PositiveSmallIntegerField(_("channel"), help_text="KenhThucHien 1/2/3")
    received_at = models.DateTimeField(_("received"), help_text="NgayTiepNhan")
    due_initial = models.DateTimeField(_("original due date"), null=True, blank=True)
    due_at = models.DateTimeField(_("due date"), null=True, blank=True, help_text="NgayHenTra")
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True, help_text="NgayTra")
    fee_total = models.DecimalField(_("fees"), max_digits=14, decimal_places=0, default=0)
    paid_online = models.PositiveSmallIntegerField(
        _("paid online"), default=0, help_text="DuocThanhToanTrucTuyen 0/1/2"
    )
    result_channel = models.PositiveSmallIntegerField(
        _("result delivery"), default=1, help_text="HinhThucTra 1 direct, 2 online, 3 post"
    )
    e_result = models.BooleanField(
        _("electronic result"), default=False, help_text="DuongDanTepTinKetQua"
    )
    digitised = models.BooleanField(_("components digitised"), default=False)
    reused_data = models.BooleanField(
        _("reuses digitised data"), default=False, help_text="HoSoCoThanhPhanSoHoa"
    )
    synced = models.BooleanField(_("synced to the national portal"), default=True)
    # Derived (rules.py): both views, against the original and against the extended due date;
    # the is_* flags are the rollup counters of this dossier (rollups.contribution).
    counted_on = models.DateField(_("counted on"), db_index=True)
    is_counted = models.BooleanField(default=True)
    settled = models.BooleanField(_("outcome settled"), default=False)
    on_time = models.BooleanField(_("on time"), null=True)
    on_time_extended = models.BooleanField(_("on time against the extended due date"), null=True)
    late_days = models.DecimalField(_("days late"), max_digits=8, decimal_places=2, default=0)
    late_without_apology = models.BooleanField(_("late without apology"), default=False)
    is_eligible = models.BooleanField(default=False)
    full_online = models.BooleanField(_("end-to-end online"), default=False)
    is_fee_bearing = models.BooleanField(default=False)
    is_paid_online = models.BooleanField(default=False)
    is_paper = models.BooleanField(default=False)
    is_e_result = models.BooleanField(default=False)
    is_digitised = models.BooleanField(default=False)
    is_reused = models.BooleanField(default=False)
    responsible_seq = models.PositiveSmallIntegerField(_("responsible step"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["agency", "counted_on"]),
            models.Index(fields=["settled", "counted_on"]),
            # The late list, its counts by state and the delay causes read the late dossiers of
            # a period: a few per cent of the rows, found without reading the others.
            models.Index(
                fields=["counted_on", "settled"],
                condition=models.Q(is_counted=True, on_time=False),
                name="dossier_late",
            ),
            # The late list's order: a page walks it and stops after 50 rows instead of sorting
            # every late dossier (queries.LateRows); the period, state and agency are checked
            # in the index itself.
            models.Index(
                fields=["-late_days", "code", "counted_on", "settled", "agency"],
                condition=models.Q(is_counted=True, on_time=False),
                name="dossier_late_order",
            ),
            # The late list's count of open overdue dossiers reads these few entries only.
            models.Index(
                fields=["counted_on", "agency", "field_code"],
                condition=models.Q(is_counted=True, on_time=False, settled=False),
                name="dossier_open_late",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Applicant(models.Model):
    """Who lodged a dossier (ChuHoSo, LoaiDoiTuong, SoDienThoai, Email, DiaChi), kept in its own
    table so that contact data never travels with the dossier's figures: only the reform office
    and the survey sample frame read it (issue 5: agencies never see respondents' contacts)."""

    class Kind(models.IntegerChoices):
        CITIZEN = 1, _("citizen")
        ORGANISATION = 2, _("organisation")

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="applicant"
    )
    kind = models.PositiveSmallIntegerField(
        _("applicant type"), choices=Kind.choices, default=Kind.CITIZEN, help_text="LoaiDoiTuong"
    )
    name = models.CharField(_("applicant"), max_length=255, blank=True, help_text="ChuHoSo")
    phone = models.CharField(_("phone"), max_length=40, blank=True, help_text="SoDienThoai")
    email = models.CharField(_("e-mail"), max_length=254, blank=True, help_text="Email")
    address = models.CharField(_("address"), max_length=500, blank=True, help_text="DiaChi")

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")

    def __str__(self) -> str:
        return self.name or str(self.dossier_id)


class StepEvent(models.Model):
    """One hand-over in the processing log (quá trình xử lý); natural key (dossier, seq)."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="steps"
    )
    seq = models.PositiveSmallIntegerField(_("order"))
    step_number = models.PositiveSmallIntegerField(_("template step"), null=True, blank=True)
    name = models.CharField(_("step name"), max_length=255, blank=True)
    role = models.CharField(_("responsible role"), max_length=20, choices=Role.choices)
    person = models.CharField(_("person"), max_length=255, blank=True, help_text="NguoiXuLy")
    unit = models.CharField(_("unit"), max_length=255, blank=True, help_text="PhongBanXuLy")
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    allotted_minutes = models.PositiveIntegerField(_("allotted working minutes"), default=0)
    # Derived (rules.py)
    used_minutes = models.PositiveIntegerField(_("working minutes used"), default=0)
    overrun_minutes = models.PositiveIntegerField(_("overrun in working minutes"), default=0)

    class Meta:
        verbose_name = _("processing step")
        verbose_name_plural = _("processing steps")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="step_event_seq")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq}"


class Pause(models.Model):
    """A supplement request (yêu cầu bổ sung) or financial-obligation wait; the clock stops from
    ``requested_at`` until ``completed_at``. Natural key (dossier, kind, requested_at)."""

    class Kind(models.TextChoices):
        SUPPLEMENT = "bo_sung", _("supplement request")
        FINANCIAL = "nghia_vu_tai_chinh", _("financial obligation")

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="pauses"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    requested_at = models.DateTimeField(_("requested"), help_text="NgayYeuCauBoSung")
    completed_at = models.DateTimeField(
        _("completed"), null=True, blank=True, help_text="NgayCongDanBoSung"
    )

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["dossier", "requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind", "requested_at"], name="pause_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.requested_at:%d/%m/%Y %H:%M}"


class Apology(models.Model):
    """An apology letter with a new due date (Mẫu 04, TT 03/2025/TT-VPCP); key (dossier, issued_at)."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="apologies"
    )
    issued_at = models.DateTimeField(_("issued"))
    new_due_at = models.DateTimeField(_("new due date"), help_text="NgayHenTraMoi")
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("apology letter")
        verbose_name_plural = _("apology letters")
        ordering = ["dossier", "issued_at"]
        constraints = [models.UniqueConstraint(fields=["dossier", "issued_at"], name="apology_key")]

    def __str__(self) -> str:
        return f"{self.issued_at:%d/%m/%Y} → {self.new_due_at:%d/%m/%Y}"


class RollupCounters(models.Model):
    """The counters of a rollup row (:mod:`chiso.dossiers.rollups`, ``CONDITIONS``)."""

    received = models.PositiveIntegerField(default=0)
    settled = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    late_extended = models.PositiveIntegerField(default=0)
    late_days = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    late_without_apology = models.PositiveIntegerField(default=0)
    online = models.PositiveIntegerField(default=0)
    eligible = models.PositiveIntegerField(default=0)
    full_online = models.PositiveIntegerField(default=0)
    fee_bearing = models.PositiveIntegerField(default=0)
    paid_online = models.PositiveIntegerField(default=0)
    paper_result = models.PositiveIntegerField(default=0)
    e_result = models.PositiveIntegerField(default=0)
    digitised = models.PositiveIntegerField(default=0)
    reused = models.PositiveIntegerField(default=0)
    synced = models.PositiveIntegerField(default=0)

    COUNTERS = (
        "received",
        "settled",
        "late",
        "late_extended",
        "late_days",
        "late_without_apology",
        "online",
        "eligible",
        "full_online",
        "fee_bearing",
        "paid_online",
        "paper_result",
        "e_result",
        "digitised",
        "reused",
        "synced",
    )

    class Meta:
        abstract = True


class DailyRollup(RollupCounters):
    """Counters per agency × procedure × day the dossiers are counted on (field denormalised).

    Maintained by :mod:`chiso.dossiers.rollups` in the ingest transaction; rebuilt by
    ``chiso dossiers recompute``. Only *settled* outcomes are counted here; dossiers still open
    are measured at the period's end by the score card (rules.py, R2; :class:`OpenDossier`).
    """

    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    field_code = models.CharField(max_length=40)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "procedure", "day"], name="rollup_key")
        ]
        indexes = [
            models.Index(fields=["day", "agency"]),
            # The field page's procedures with most late dossiers read a field's days of a
            # period from this index alone (it holds the counters they sum): 83 → 9 ms at
            # 10⁶ on SQLite; without it 1,1 s of the field page at 10⁷ (docs/performance.md).
            models.Index(
                fields=[
                    "field_code",
                    "day",
                    "procedure",
                    "late",
                    "received",
                    "late_days",
                    "agency",
                ],
                name="rollup_field_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.procedure_id}/{self.day}"


class MonthlyRollup(RollupCounters):
    """The daily rollups summed per agency × field × month (``month`` is its first day): what
    score cards and dashboards of whole months read, the procedures and days folded (about
    100 times fewer rows than the daily ones). Kept by the same code paths as
    :class:`DailyRollup` (rollups.apply and rebuild) and always equal to its sums."""

    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+")
    field_code = models.CharField(max_length=40)
    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "field_code", "month"], name="monthly_rollup_key"
            )
        ]
        indexes = [models.Index(fields=["month", "agency"])]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.field_code}/{self.month:%Y-%m}"


class OpenDossier(models.Model):
    """A counted dossier still open (not settled), with the last moment it is within its
    deadline in each view, so that the score card counts the open dossiers on time at a
    period's end in SQL (:mod:`chiso.dossiers.openclock`, where the reduction is proved).

    ``deadline`` is a calendar position (working minutes, ``WorkCalendar.position``): the dossier
    is on time at a moment E iff position(E) <= deadline. ``late_from`` is the first day at whose
    end it is late. Rows with ``exact`` set could not be reduced (overlapping pauses) and are
    derived again at the period's end. Maintained in the ingest transaction and rebuilt by
    recompute; a calendar change needs a recompute, as for every derived value.
    """

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+")
    field_code = models.CharField(max_length=40)
    month = models.DateField(help_text="first day of the month the dossier is counted in")
    deadline = models.IntegerField(help_text="original due date view")
    deadline_extended = models.IntegerField(help_text="extended due date view")
    late_from = models.DateField()
    late_from_extended = models.DateField()
    exact = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["month", "late_from", "agency"], name="open_late_from"),
            models.Index(
                fields=["month", "late_from_extended", "agency"], name="open_late_from_ext"
            ),
            models.Index(fields=["month"], condition=models.Q(exact=True), name="open_exact"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} ≤ {self.deadline}/{self.deadline_extended}"


class ImportRun(models.Model):
    """One file's import: its hash and the last line committed, so that a re-run after a crash
    resumes after that line and a finished file is not counted twice."""

    file_hash = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=500)
    last_line = models.PositiveIntegerField(default=0)
    done = models.BooleanField(default=False)
    accepted = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.filename


class QuarantinedRow(models.Model):
    """A row refused by validation, kept with the reason and the raw text for correction."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="quarantined_rows")
    line = models.PositiveIntegerField()
    reason = models.TextField()
    raw = models.TextField()

    class Meta:
        ordering = ["run", "line"]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.line}"


class Petition(models.Model):
    """A petition (phản ánh, kiến nghị — PAKN) about administrative rules or procedures, handled
    under Decree 20/2008/NĐ-CP as amended by Decree 92/2017/NĐ-CP: answered within 15 working
    days of receipt (service-index-766.md §2, 5.2). Imported from the PAKN system by
    :mod:`chiso.dossiers.petitions`; natural key ``code``."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("public service portal")
        EMAIL = "email", _("e-mail")
        PHONE = "phone", _("telephone hotline")
        DIRECT = "direct", _("in person")
        POST = "post", _("post")

    code = models.CharField(_("petition code"), max_length=60, unique=True)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("handling agency"),
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    received_at = models.DateTimeField(_("received"))
    due_at = models.DateTimeField(_("answer due"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    published = models.BooleanField(_("answer made public"), default=False)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["received_at", "code"]
        indexes = [models.Index(fields=["agency", "received_at"])]

    def __str__(self) -> str:
        return self.code


class ServiceInput(models.Model):
    """A figure of the 766 index that no dossier feed carries (publication of procedures,
    online payment integration, e-certified copies, data-store and population-data use…), read
    by the reform office from the national portal's reports and entered for one agency and one
    period (``2024``, ``2024-Q4`` or ``2024-11``). Written by :mod:`chiso.dossiers.serviceinputs`
    only; ``version`` guards against two people overwriting each other."""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=7)
    metric = models.CharField(_("indicator"), max_length=60)
    numerator = models.PositiveIntegerField(_("numerator"))
    denominator = models.PositiveIntegerField(_("denominator"))
    source = models.CharField(_("source"), max_length=255)
    evidence = models.CharField(_("evidence note"), max_length=500, blank=True)
    entered_by = models.CharField(_("entered by"), max_length=150)
    entered_at = models.DateTimeField(_("entered"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("service index input")
        verbose_name_plural = _("service index inputs")
        ordering = ["period", "agency", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "period", "metric"], name="service_input_key")
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.period}: {self.numerator}/{self.denominator}"

    @property
    def rate(self) -> Decimal:
        """numerator / denominator in per cent, two decimals (denominators are at least 1)."""
        return (Decimal(100) * self.numerator / self.denominator).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


class RecomputeJob(models.Model):
    """A recompute asked for in the browser (``/dossiers/recompute/``) and run in the
    background by :mod:`chiso.dossiers.jobs`, with its progress and outcome.

    At most one job is waiting or running at a time: a partial unique index over a constant
    enforces it in the database, so two requests at the same moment cannot both start one
    (two recomputes at once would move the rollups twice)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Recomputing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        "auth.User", verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    open_only = models.BooleanField(_("dossiers still being processed only"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    done = models.PositiveIntegerField(_("dossiers done"), default=0)
    total = models.PositiveIntegerField(_("dossiers in all"), default=0)
    dossiers = models.PositiveIntegerField(_("dossiers derived again"), null=True, blank=True)
    changed = models.PositiveIntegerField(_("dossiers changed"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recompute job")
        verbose_name_plural = _("recompute jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                models.Value(1),
                condition=models.Q(status__in=["pending", "running"]),
                name="dossiers_one_active_recompute",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.status}"

    @property
    def is_active(self) -> bool:
        """Waiting or running: the page keeps polling."""
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class InputBlock(models.Model):
    """The recompute's inputs for the dossiers whose ids fall in one block (``number`` ×
    ``stored_inputs.BLOCK`` up to the next block), packed as the recompute reads them from the
    tables: one array of 64-bit integers per table (:mod:`chiso.dossiers.stored_inputs`).

    A copy, never a source: the recompute writes it after deriving a block and reads it instead
    of the tables next time, which is most of a recompute's cost saved. Database triggers
    (migration 0009) delete a block as soon as one of its dossiers, pauses, apologies or steps
    is inserted, updated or deleted, by any code; the next recompute reads the tables again.
    ``fields`` keeps the field code of each procedure of the block as written to its dossiers,
    so that a procedure moved to another field since is seen without a trigger on procedures.
    """

    number = models.BigIntegerField(primary_key=True)
    fields = models.JSONField()
    dossiers = models.BinaryField()
    pauses = models.BinaryField()
    apologies = models.BinaryField()
    steps = models.BinaryField()
    written_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"block {self.number}"


class DelayCauseRollup(models.Model):
    """The late dossiers (counted, ``on_time`` False, settled or open) per agency × field ×
    procedure × month × responsible step (number, name, role, person, unit), with the sum of
    those steps' overrun: what the field page's delay attribution reads. ``month`` is the first
    day of the month the dossiers are counted in; ``step_number`` is ``NO_STEP_NUMBER`` (-1)
    for a step sent without one. Kept by :mod:`chiso.dossiers.delay_rollups` in the ingest and
    recompute transactions and always equal to its grouped query over the dossiers."""

    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+")
    field_code = models.CharField(max_length=40)
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    step_number = models.IntegerField()
    name = models.CharField(max_length=255)
    role = models.CharField(max_length=20, choices=Role.choices)
    person = models.CharField(max_length=255)
    unit = models.CharField(max_length=255)
    # No non-negative checks: delay_rollups.apply adds negative deltas through an upsert.
    count = models.IntegerField()
    overrun_minutes = models.BigIntegerField()

    COUNTERS = ("count", "overrun_minutes")

    class Meta:
        constraints = [
            # The field page reads one field over a range of months: the key's first columns.
            models.UniqueConstraint(
                fields=[
                    "field_code",
                    "month",
                    "agency",
                    "procedure",
                    "step_number",
                    "name",
                    "role",
                    "person",
                    "unit",
                ],
                name="delay_cause_key",
            )
        ]
        indexes = [models.Index(fields=["month", "agency"], name="delay_cause_month")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.field_code}/{self.month:%Y-%m}/{self.step_number}"
