"""``chiso survey load|ship|create-campaign|open|import-contacts|draw|draw-dossiers|
send-invitations|import-responses|results|close`` — surveys from the shell.

Every subcommand takes ``--json`` (machine-readable output on stdout) and ``--lang vi|en``
and exits non-zero on any error. Writes go through :mod:`chiso.surveys.actions` with
``actor=None``, recorded as "CLI (<os user>)".
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from chiso.org.models import Agency
from chiso.surveys import actions
from chiso.surveys.actions.imports import import_responses
from chiso.surveys.actions.sampling import draw_from_dossiers
from chiso.surveys.actions.sending import send_invitations, waiting
from chiso.surveys.models import Campaign, Channel, Group, Questionnaire, SentVia
from chiso.surveys.results import campaign_results
from chiso.surveys.spec import SpecError


def _day(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r}: dd/mm/yyyy") from error


class Command(BaseCommand):
    help = "Load questionnaires, import responses, print results and close survey campaigns."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)

        def command(name: str, help_text: str) -> Any:
            p = sub.add_parser(name, help=help_text)
            p.add_argument("--json", action="store_true", help="print JSON on stdout")
            p.add_argument("--lang", choices=["vi", "en"], default="vi", help="message language")
            return p

        p = command("load", "load a questionnaire YAML file as a draft")
        p.add_argument("file", type=Path)
        p.add_argument("--publish", action="store_true", help="publish it (immutable)")
        command("ship", "load and publish the questionnaires shipped with chiso")
        p = command("create-campaign", "create a campaign (being prepared)")
        p.add_argument("--year", type=int, required=True)
        p.add_argument("--name", required=True)
        p.add_argument("--questionnaire", action="append", required=True, help="CODE:VERSION")
        p.add_argument("--agency", action="append", required=True, help="agency code")
        p.add_argument("--open-link", help="CODE:VERSION of the open link's questionnaire")
        p.add_argument("--margin", type=Decimal, default=Decimal("0.05"), help="e of n = N/(1+Ne²)")
        p.add_argument("--min-cell", type=int, default=5, help="smallest count shown")
        p.add_argument("--no-opinion", choices=["exclude", "count"], default="exclude")
        p.add_argument("--seed", type=int, default=2024, help="seed of the sample draws")
        p = command("open", "start collecting answers")
        p.add_argument("--campaign", type=int, required=True, help="campaign id")
        p = command("import-contacts", "import a sample frame (XLSX/CSV contact list)")
        p.add_argument("file", type=Path)
        p.add_argument("--campaign", type=int, required=True, help="campaign id")
        p = command("draw", "draw invitations at random from the contacts (seeded)")
        p.add_argument("--campaign", type=int, required=True, help="campaign id")
        p.add_argument("--agency", required=True, help="agency code")
        p.add_argument("--group", required=True, choices=list(Group.values))
        p.add_argument("--channel", required=True, choices=list(Channel.values))
        p.add_argument("--count", type=int, required=True)
        p.add_argument("--questionnaire", required=True, help="CODE:VERSION")
        p = command("draw-dossiers", "draw contacts from the applicants of a period's dossiers")
        p.add_argument("--campaign", type=int, required=True, help="campaign id")
        p.add_argument("--from", dest="first", type=_day, required=True, help="dd/mm/yyyy")
        p.add_argument("--to", dest="last", type=_day, required=True, help="dd/mm/yyyy")
        p.add_argument("--per-cell", type=int, help="people per agency and group")
        p.add_argument("--questionnaire", help="CODE:VERSION (default: the open link's)")
        p = command("send-invitations", "e-mail the waiting invitations; phones to a CSV file")
        p.add_argument("--campaign", type=int, required=True, help="campaign id")
        p.add_argument("--reminder", action="store_true", help="remind those not answered")
        p.add_argument("--sms-file", type=Path, help="write the SMS/Zalo hand-off CSV here")
        p = command("import-responses", "import online responses from XLSX/CSV")
        p.add_argument("file", type=Path)
        p.add_argument("--campaign", type=int, required=True, help="campaign id")
        p.add_argument("--questionnaire", required=True, help="questionnaire CODE:VERSION")
        p = command("results", "print a campaign's indices per agency")
        p.add_argument("--campaign", type=int, required=True, help="campaign id")
        p = command("close", "close a campaign and write its indices as facts")
        p.add_argument("--campaign", type=int, required=True, help="campaign id")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"]):
            name = options["subcommand"].replace("-", "_")
            try:
                out = getattr(self, f"_{name}")(options)
            except (actions.SurveyError, SpecError) as error:
                messages = getattr(error, "messages", [str(error)])
                if options["json"]:
                    self.stdout.write(json.dumps({"ok": False, "problems": messages}))
                    sys.exit(1)
                raise CommandError("\n".join(messages)) from error
            if options["json"]:
                shown = {k: v for k, v in out.items() if k != "text"}
                self.stdout.write(json.dumps(shown, ensure_ascii=False, indent=1, default=str))
            else:
                self.stdout.write(out.get("text", "") if isinstance(out, dict) else str(out))
            if isinstance(out, dict) and out.get("ok") is False:
                sys.exit(1)

    def _campaign(self, options: dict[str, Any]) -> Campaign:
        campaign = Campaign.objects.filter(pk=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"no campaign {options['campaign']}")
        return campaign

    def _load(self, options: dict[str, Any]) -> dict[str, Any]:
        q = actions.load_questionnaire(
            options["file"].read_bytes(), actor=None, publish=options["publish"]
        )
        return {"ok": True, "id": q.pk, "code": q.code, "version": q.version, "text": str(q)}

    def _ship(self, options: dict[str, Any]) -> dict[str, Any]:
        shipped = actions.ship_templates()
        return {
            "ok": True,
            "questionnaires": [str(q) for q in shipped],
            "text": ", ".join(str(q) for q in shipped),
        }

    def _questionnaire(self, ref: str) -> Questionnaire:
        code, _sep, version = ref.partition(":")
        questionnaire = Questionnaire.objects.filter(
            code=code, version=int(version) if version.isdigit() else 0
        ).first()
        if questionnaire is None:
            raise CommandError(f"no questionnaire {ref}")
        return questionnaire

    def _agency(self, code: str) -> Agency:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise CommandError(f"no agency {code}")
        return agency

    def _create_campaign(self, options: dict[str, Any]) -> dict[str, Any]:
        link = options["open_link"]
        campaign = actions.create_campaign(
            actor=None,
            year=options["year"],
            name=options["name"],
            questionnaires=[self._questionnaire(r) for r in options["questionnaire"]],
            agencies=[self._agency(c) for c in options["agency"]],
            margin=options["margin"],
            min_cell=options["min_cell"],
            no_opinion=options["no_opinion"],
            seed=options["seed"],
            open_questionnaire=self._questionnaire(link) if link else None,
        )
        return {"ok": True, "id": campaign.pk, "text": f"{campaign.pk}"}

    def _open(self, options: dict[str, Any]) -> dict[str, Any]:
        campaign = self._campaign(options)
        actions.open_campaign(campaign, actor=None)
        campaign.refresh_from_db()
        return {"ok": True, "open_code": campaign.open_code, "text": campaign.open_code}

    def _import_contacts(self, options: dict[str, Any]) -> dict[str, Any]:
        path: Path = options["file"]
        report = actions.import_contacts(
            self._campaign(options),
            path.read_bytes(),
            actor=None,
            filename=path.name,
            lang=options["lang"],
        )
        return {
            "ok": report.ok,
            "created": report.created,
            "problems": [p.as_dict() for p in report.problems],
            "text": "\n".join(str(p) for p in report.problems) or f"{report.created}",
        }

    def _draw(self, options: dict[str, Any]) -> dict[str, Any]:
        invitations = actions.draw_sample(
            self._campaign(options),
            actor=None,
            agency=self._agency(options["agency"]),
            group=options["group"],
            channel=options["channel"],
            count=options["count"],
            questionnaire=self._questionnaire(options["questionnaire"]),
        )
        # Tokens go to the reform office's mailing tool; contacts stay in chiso.
        rows = [{"form_number": i.form_number, "token": i.token} for i in invitations]
        return {
            "ok": True,
            "invitations": rows,
            "text": "\n".join(f"{r['form_number']} {r['token']}" for r in rows),
        }

    def _draw_dossiers(self, options: dict[str, Any]) -> dict[str, Any]:
        ref = options["questionnaire"]
        draw = draw_from_dossiers(
            self._campaign(options),
            period_first=options["first"],
            period_last=options["last"],
            actor=None,
            per_cell=options["per_cell"],
            questionnaire=self._questionnaire(ref) if ref else None,
        )
        # Counts only: the contacts stay in chiso (send them with send-invitations).
        strata = [
            {
                "agency": s.agency.code,
                "group": s.group,
                "N": s.population,
                "n": s.suggested,
                "wanted": s.wanted,
                "drawn": s.drawn,
            }
            for s in draw.strata
        ]
        lines = [
            f"{s['agency']} {s['group']}: N = {s['N']}, n = {s['n']}, "
            f"wanted {s['wanted']}, drawn {s['drawn']}"
            for s in strata
        ]
        return {"ok": True, "drawn": draw.drawn, "strata": strata, "text": "\n".join(lines)}

    def _send_invitations(self, options: dict[str, Any]) -> dict[str, Any]:
        campaign = self._campaign(options)
        emails = send_invitations(
            campaign, actor=None, via=SentVia.EMAIL, reminder=options["reminder"]
        )
        out: dict[str, Any] = {"ok": not emails.failed, "emailed": emails.sent}
        out.update(emails_left=emails.left, emails_refused=emails.refused)
        lines = [f"e-mail: {emails.sent} sent, {emails.refused} refused, {emails.left} left"]
        path: Path | None = options["sms_file"]
        if path is not None:
            # Opened first: phones are marked as handed off only if their file can be written.
            with path.open("wb") as handoff:
                phones = send_invitations(
                    campaign, actor=None, via=SentVia.SMS, reminder=options["reminder"]
                )
                handoff.write(phones.csv_bytes())
            out.update(handed_off=phones.sent, phones_left=phones.left, sms_file=str(path))
            lines.append(f"SMS/Zalo: {phones.sent} in {path}, {phones.left} left")
        else:
            now = timezone.now()
            count = waiting(campaign, via=SentVia.SMS, reminder=options["reminder"], now=now)
            out["phones_waiting"] = count.count()
            lines.append(f"SMS/Zalo: {out['phones_waiting']} waiting (give --sms-file FILE)")
        if emails.failed:
            lines.append("the mail server failed: run again later to send the others")
        return {**out, "text": "\n".join(lines)}

    def _import_responses(self, options: dict[str, Any]) -> dict[str, Any]:
        campaign = self._campaign(options)
        questionnaire = self._questionnaire(options["questionnaire"])
        path: Path = options["file"]
        report = import_responses(
            campaign,
            questionnaire,
            path.read_bytes(),
            actor=None,
            filename=path.name,
            lang=options["lang"],
        )
        return {
            "ok": report.ok,
            "created": report.created,
            "problems": [p.as_dict() for p in report.problems],
            "text": "\n".join(str(p) for p in report.problems) or f"{report.created}",
        }

    def _results(self, options: dict[str, Any]) -> dict[str, Any]:
        campaign = self._campaign(options)
        out: dict[str, Any] = {
            "ok": True,
            "campaign": campaign.pk,
            "year": campaign.year,
            "status": campaign.status,
            "questionnaires": [],
        }
        lines = []
        for result in campaign_results(campaign):
            agencies = []
            for agency, found in result.agencies:
                agencies.append(
                    {
                        "agency": agency.code,
                        "responses": found.responses,
                        "overall": found.overall,
                        "elements": {e.section.code: e.index for e in found.elements},
                        "facts": {f"survey.{k}": v for k, v in found.facts.items()},
                    }
                )
                lines.append(
                    f"{result.questionnaire} {agency.code}: {found.overall} (n = {found.responses})"
                )
            out["questionnaires"].append(
                {
                    "questionnaire": str(result.questionnaire),
                    "responses": result.overall.responses,
                    "overall": result.overall.overall,
                    "agencies": agencies,
                }
            )
        out["text"] = "\n".join(lines)
        return out

    def _close(self, options: dict[str, Any]) -> dict[str, Any]:
        report = actions.close_campaign(self._campaign(options), actor=None)
        return {
            **report,
            "text": f"facts: {report['created']} created, {report['updated']} updated",
        }
