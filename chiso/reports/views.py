"""Downloads of the official outputs, with the results pages' visibility rules.

Everyone with a role sees published result sets; province-wide roles also see unpublished ones
(:func:`chiso.results.queries.visible_result_sets`). What a user cannot see is a 404, as on the
results pages; a user without any role gets 403, an anonymous one the login page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts import scope
from chiso.org.models import Block
from chiso.reports.filenames import attachment
from chiso.reports.jobs import NoResults, fail_timed_out, request_job, start_in_background
from chiso.reports.models import ReportJob
from chiso.reports.pdf import province_pdf_for, scorecard_pdf
from chiso.reports.xlsx import result_table_xlsx
from chiso.results.models import AgencyScore, ResultSet
from chiso.results.queries import visible_result_sets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JOB_TYPES = {
    ReportJob.Kind.BLOCK_XLSX: XLSX,
    ReportJob.Kind.PROVINCE_PDF: "application/pdf",
    ReportJob.Kind.SCORECARDS_ZIP: "application/zip",
}


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The reports the user may download, by year: the province report, each block's result
    table, and the scorecards of the user's own agencies (every agency's come as a ZIP)."""
    scope.require_any_role(request.user)
    sets = list(visible_result_sets(request.user).order_by("-year", "block__order", "block__name"))
    own = scope.own_agency_ids(request.user)
    scores: dict[int, list[AgencyScore]] = {}
    for score in (
        AgencyScore.objects.filter(result_set__in=sets, agency_id__in=own)
        .select_related("agency")
        .order_by("agency__name")
    ):
        scores.setdefault(score.result_set_id, []).append(score)
    years: dict[int, list[tuple[ResultSet, list[AgencyScore]]]] = {}
    for result_set in sets:
        years.setdefault(result_set.year, []).append((result_set, scores.get(result_set.pk, [])))
    return render(
        request,
        "reports/index.html",
        {"years": list(years.items()), "whole_province": scope.sees_whole_province(request.user)},
    )


def download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment(name)
    return response


@require_GET
@login_required
def block_xlsx(request: HttpRequest, year: int, block: str) -> HttpResponse:
    scope.require_any_role(request.user)
    result_set = visible_result_sets(request.user).filter(year=year, block__code=block).first()
    if result_set is None:
        raise Http404
    name = f"Kết quả chỉ số CCHC {year} - {result_set.block.name}.xlsx"
    return download(result_table_xlsx(result_set, viewer=request.user), XLSX, name)


@require_GET
@login_required
def scorecard(request: HttpRequest, year: int, block: str, agency: str) -> HttpResponse:
    scope.require_any_role(request.user)
    sets = visible_result_sets(request.user)
    score = get_object_or_404(
        AgencyScore.objects.select_related("agency", "result_set__framework", "result_set__block"),
        result_set__in=sets.filter(year=year, block__code=block),
        agency__code=agency,
    )
    name = f"Chỉ số CCHC {year} - {score.agency.name}.pdf"
    return download(scorecard_pdf(score, sets), "application/pdf", name)


@require_GET
@login_required
def province(request: HttpRequest, year: int) -> HttpResponse:
    scope.require_any_role(request.user)
    content = province_pdf_for(year, visible_result_sets(request.user))
    if content is None:
        raise Http404
    return download(content, "application/pdf", f"Báo cáo chỉ số CCHC năm {year}.pdf")


# Background jobs (chiso/reports/jobs.py): a job is its requester's only; anyone else gets 404.


@require_POST
@login_required
def job_create(request: HttpRequest) -> HttpResponse:
    """Ask for a report in the background, then follow its progress page."""
    try:
        year = int(request.POST.get("year", ""))
        job = request_job(
            request.user,
            request.POST.get("kind", ""),
            year,
            request.POST.get("block", ""),
        )
    except (ValueError, NoResults) as exc:
        raise Http404 from exc
    start_in_background(job)
    return redirect("reports:job", key=job.key)


def _own_job(request: HttpRequest, key: str) -> ReportJob:
    """The user's job; one left pending or running past the timeout is marked failed first
    (its process died: the page then offers to generate it again)."""
    scope.require_any_role(request.user)
    mine = ReportJob.objects.filter(key=key, requested_by_id=request.user.pk)
    fail_timed_out(actor=request.user, jobs=mine)
    return get_object_or_404(mine)


def _block_names(jobs: list[ReportJob]) -> dict[int, str]:
    """Job id → the name of its block that year ("Khối sở, ban, ngành"), for the pages; the
    code when the block is gone, nothing for a job of the whole province."""
    codes = {j.block_code for j in jobs if j.block_code}
    names = {(b.code, b.year): b.name for b in Block.objects.filter(code__in=codes)}
    return {j.pk: names.get((j.block_code, j.year), j.block_code) for j in jobs if j.block_code}


@require_GET
@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    scope.require_any_role(request.user)
    mine = ReportJob.objects.filter(requested_by_id=request.user.pk)
    fail_timed_out(actor=request.user, jobs=mine)
    jobs = list(mine[:30])
    names = _block_names(jobs)
    rows = [(job, names.get(job.pk, "")) for job in jobs]
    return render(request, "reports/job_list.html", {"rows": rows})


@require_GET
@login_required
def job_detail(request: HttpRequest, key: str) -> HttpResponse:
    job = _own_job(request, key)
    block = _block_names([job]).get(job.pk, "")
    return render(request, "reports/job.html", {"job": job, "block_name": block})


@require_GET
@login_required
def job_status(request: HttpRequest, key: str) -> HttpResponse:
    """The progress fragment the job page polls every second while the job runs."""
    return render(request, "reports/_job_status.html", {"job": _own_job(request, key)})


@require_GET
@login_required
def job_download(request: HttpRequest, key: str) -> FileResponse:
    job = _own_job(request, key)
    if job.status != ReportJob.Status.DONE or not job.path.is_file():
        raise Http404
    response = FileResponse(job.path.open("rb"), content_type=JOB_TYPES[ReportJob.Kind(job.kind)])
    response["Content-Disposition"] = attachment(job.file_name)
    return response
