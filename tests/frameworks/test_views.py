"""The framework pages: who may see and change what, the tree in words, upload and download."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from chiso.frameworks import actions
from chiso.frameworks.models import Framework, Node
from chiso.frameworks.xlsxio import write_xlsx
from chiso.frameworks.yamlio import dump_yaml
from tests.conftest import PASSWORD
from tests.frameworks.helpers import SAMPLE, sample, tiny

pytestmark = pytest.mark.django_db

READERS = {"tuan", "hanh", "minh"}
OUTSIDERS = ["lan", "nam", "mai", "khach"]


def login(client: Client, name: str) -> Client:
    assert client.login(username=name, password=PASSWORD)
    return client


@pytest.fixture
def framework(world) -> Framework:
    return actions.import_framework(sample(), actor=None)


def pages(fw: Framework) -> list[tuple[str, str]]:
    """(method, url) of every framework page."""
    other = actions.clone_framework(fw, year=2024, actor=None)
    return [
        ("get", reverse("frameworks:list")),
        ("get", reverse("frameworks:detail", args=[fw.pk])),
        ("get", reverse("frameworks:download", args=[fw.pk, "yaml"])),
        ("get", reverse("frameworks:download", args=[fw.pk, "xlsx"])),
        ("get", reverse("frameworks:diff") + f"?a={fw.pk}&b={other.pk}"),
        ("get", reverse("frameworks:upload")),
        ("post", reverse("frameworks:clone", args=[fw.pk])),
        ("post", reverse("frameworks:publish", args=[other.pk])),
        ("post", reverse("frameworks:archive", args=[fw.pk])),
        ("post", reverse("frameworks:delete", args=[other.pk])),
    ]


def changes(url: str) -> bool:
    return url.rstrip("/").split("/")[-1] in {"upload", "clone", "publish", "archive", "delete"}


@pytest.mark.parametrize("name", ["tuan", "hanh", "minh", *OUTSIDERS, None])
def test_permission_matrix(world, framework: Framework, name: str | None) -> None:
    client = Client()
    if name:
        login(client, name)
    for method, url in pages(framework):
        data = {"year": 2025} if url.endswith("/clone/") else {}
        response = getattr(client, method)(url, data)
        if name is None:
            assert response.status_code == 302 and response["Location"].startswith("/login/"), url
        elif name in OUTSIDERS or (changes(url) and name != "tuan"):
            assert response.status_code == 403, (name, url)
        elif method == "post":
            assert response.status_code == 302, (name, url)
        else:
            assert response.status_code == 200, (name, url)
    if name not in ("tuan",):
        assert Framework.objects.count() == 2  # nobody else changed anything


def test_the_tree_page_shows_each_rule_in_vietnamese(client: Client, framework: Framework) -> None:
    page = (
        login(client, "hanh")
        .get(reverse("frameworks:detail", args=[framework.pk]))
        .content.decode()
    )
    assert "Tỷ lệ hồ sơ TTHC được giải quyết đúng hạn" in page
    assert (
        "Chỉ số tự động, bậc: ≥ 98% → 3 điểm; ≥ 95% → 2 điểm; ≥ 90% → 1 điểm; còn lại → 0 điểm"
        in page
    )
    assert "Bậc: ≤ 0 ngày → 1 điểm; ≤ 15 ngày → 0,5 điểm; còn lại → 0 điểm" in page
    assert "Không đánh giá được" in page or "Được không đánh giá" in page
    assert "Xuất sắc ≥ 90" in page
    assert "Công bố" not in page  # hạnh reads only: no buttons


def test_the_tree_page_in_english(client: Client, framework: Framework) -> None:
    login(client, "minh")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("frameworks:detail", args=[framework.pk])).content.decode()
    assert "Automatic metric, bands: ≥ 98% → 3 points" in page


def test_the_list_filters_by_year_block_and_status(client: Client, world) -> None:
    actions.load_builtin_frameworks()
    login(client, "tuan")
    page = client.get(
        reverse("frameworks:list"), {"block": "huyen", "year": "2023"}
    ).content.decode()
    assert "UBND các huyện, thị xã, thành phố năm 2023" in page
    assert "sở, ban, ngành năm 2023" not in page
    page = client.get(reverse("frameworks:list"), {"status": "published"}).content.decode()
    assert "Không có bộ chỉ số nào" in page or "No framework" in page


def test_upload_lists_every_problem_and_saves_nothing(client: Client, world) -> None:
    broken = tiny()
    broken["nodes"][0]["max_points"] = 5
    broken["nodes"][1]["children"][0]["rule"] = {"type": "guess"}
    upload = SimpleUploadedFile("broken.yaml", dump_yaml(broken).encode())
    response = login(client, "tuan").post(reverse("frameworks:upload"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 › children: điểm tối đa của các tiêu chí con cộng lại là 4, còn thiếu 1" in page
    assert "loại quy tắc &quot;guess&quot; không hợp lệ" in page
    assert Framework.objects.count() == 0 and Node.objects.count() == 0


def test_upload_of_an_excel_file_creates_a_draft(client: Client, world) -> None:
    upload = SimpleUploadedFile("so.xlsx", write_xlsx(sample()))
    response = login(client, "tuan").post(reverse("frameworks:upload"), {"file": upload})
    fw = Framework.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "frameworks:detail", args=[fw.pk]
    )
    assert fw.status == "draft" and fw.nodes.count() == 48


def test_downloads_are_attachments_that_read_back(client: Client, framework: Framework) -> None:
    login(client, "minh")
    response = client.get(reverse("frameworks:download", args=[framework.pk, "yaml"]))
    assert response["Content-Disposition"] == 'attachment; filename="so-ban-nganh-2023-v1.yaml"'
    assert response.content.decode() == SAMPLE.read_text(encoding="utf-8")
    response = client.get(reverse("frameworks:download", args=[framework.pk, "xlsx"]))
    assert response["Content-Disposition"] == 'attachment; filename="so-ban-nganh-2023-v1.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).sheetnames[1] == "Tiêu chí"
    assert client.get(reverse("frameworks:download", args=[framework.pk, "pdf"])).status_code == 404


def test_publish_then_clone_from_the_page(client: Client, framework: Framework) -> None:
    login(client, "tuan")
    client.post(reverse("frameworks:publish", args=[framework.pk]))
    framework.refresh_from_db()
    assert framework.status == "published"
    response = client.post(reverse("frameworks:clone", args=[framework.pk]), {"year": 2024})
    clone = Framework.objects.get(year=2024)
    assert response["Location"] == reverse("frameworks:detail", args=[clone.pk])
    page = client.get(response["Location"]).content.decode()
    assert "so-ban-nganh:2024:1" in page


def test_the_diff_page_lists_changes(client: Client, world) -> None:
    a = actions.import_framework(tiny(), actor=None)
    changed = tiny(version=2)
    changed["nodes"][0]["children"][0]["title"] = "Kế hoạch CCHC năm"
    b = actions.import_framework(changed, actor=None)
    page = (
        login(client, "hanh")
        .get(reverse("frameworks:diff"), {"a": a.pk, "b": b.pk})
        .content.decode()
    )
    assert "Phiên bản: 1 → 2" in page
    assert "Sửa 1.1: tên “Kế hoạch CCHC” → “Kế hoạch CCHC năm”" in page
