"""The notification list and the bell: one's own notifications only, unread first, marked read
one at a time or all at once (htmx or a plain form)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from chiso.notifications.actions import mark_read, notify
from chiso.notifications.models import Notification
from tests.conftest import PASSWORD


def client(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def note(user: Any, title: str, **more: Any) -> Notification:
    [created] = notify([user], kind="test", title=title, email=False, **more)
    return created


def bell(html: str) -> str:
    start = html.index('id="notification-bell"')
    return html[start : html.index("</a>", start)]


def test_the_list_shows_only_my_notifications_unread_first(world: Any) -> None:
    read = note(world.lan, "Đã đọc: hạn tự đánh giá")
    note(world.lan, "Sở Tư pháp: 2 tiêu chí cần giải trình", link="/rounds/assessment/7/")
    note(world.nam, "Thông báo của anh Nam")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)

    html = client(world.lan).get("/notifications/").content.decode()

    assert "Thông báo của anh Nam" not in html
    assert html.index("2 tiêu chí cần giải trình") < html.index("Đã đọc: hạn tự đánh giá")
    assert 'href="/rounds/assessment/7/"' in html
    assert "Đánh dấu tất cả đã đọc" in html


def test_the_bell_counts_my_unread_notifications_on_every_page(world: Any) -> None:
    note(world.lan, "Một")
    note(world.lan, "Hai")
    note(world.nam, "Của Nam")

    lan = bell(client(world.lan).get("/").content.decode())
    khach = bell(client(world.khach).get("/").content.decode())

    assert '<span class="badge rounded-pill text-bg-danger" data-testid="unread-count">2<' in lan
    assert 'href="/notifications/"' in lan and "Thông báo" in lan
    assert "unread-count" not in khach
    assert "notification-bell" not in Client().get("/login/").content.decode()


def test_marking_one_read_with_htmx_updates_the_row_and_the_bell(world: Any) -> None:
    first = note(world.lan, "Một")
    note(world.lan, "Hai")

    response = client(world.lan).post(
        f"/notifications/{first.pk}/read/", headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{first.pk}"' in html and "Đánh dấu đã đọc" not in html
    assert 'hx-swap-oob="true"' in bell(html) and 'data-testid="unread-count">1<' in bell(html)
    first.refresh_from_db()
    assert first.read_at is not None


def test_marking_all_read_without_javascript_returns_to_the_list(world: Any) -> None:
    note(world.lan, "Một")
    note(world.lan, "Hai")
    other = note(world.nam, "Của Nam")

    response = client(world.lan).post("/notifications/read-all/")

    assert (response.status_code, response["Location"]) == (302, "/notifications/")
    assert not Notification.objects.filter(user=world.lan, read_at=None).exists()
    other.refresh_from_db()
    assert other.read_at is None
    assert "unread-count" not in bell(client(world.lan).get("/notifications/").content.decode())


def test_marking_all_read_with_htmx_redraws_the_list(world: Any) -> None:
    note(world.lan, "Một")

    html = (
        client(world.lan)
        .post("/notifications/read-all/", headers={"HX-Request": "true"})
        .content.decode()
    )

    assert html.startswith('<div id="notification-list">')
    assert "Đánh dấu" not in html and "unread-count" not in bell(html)


def test_nobody_sees_or_marks_anothers_notification(world: Any) -> None:
    hers = note(world.lan, "Của Lan")

    for user in (world.nam, world.tuan, world.khach):
        response = client(user).post(f"/notifications/{hers.pk}/read/")
        assert response.status_code == 404, user
        assert "Của Lan" not in client(user).get("/notifications/").content.decode()
    hers.refresh_from_db()
    assert hers.read_at is None


def test_anonymous_visitors_are_sent_to_log_in(db: None) -> None:
    for url in ("/notifications/", "/notifications/1/read/", "/notifications/read-all/"):
        response = Client().get(url) if url.endswith("/notifications/") else Client().post(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_marking_read_needs_a_post(world: Any) -> None:
    mine = note(world.lan, "Một")

    assert client(world.lan).get(f"/notifications/{mine.pk}/read/").status_code == 405


def test_read_notifications_follow_newest_first(world: Any) -> None:
    older = note(world.lan, "Cũ")
    newer = note(world.lan, "Mới hơn")
    mark_read(world.lan, [newer.pk])
    mark_read(world.lan, [older.pk])
    unread = note(world.lan, "Chưa đọc")

    page = client(world.lan).get("/notifications/").context["page"]

    assert [n.pk for n in page.object_list] == [unread.pk, newer.pk, older.pk]
