"""nc-py-api (the most complete Talk client on PyPI) against a real confab.

Every call goes through the library's own transport, so the envelope, headers and field
shapes are checked the way the library reads them.
"""


import pytest
from nc_py_api import Nextcloud, NextcloudException
from nc_py_api.talk import ConversationType, NotificationLevel

from conftest import PASSWORD



def client(server: str, user: str) -> Nextcloud:
    return Nextcloud(nextcloud_url=server, nc_auth_user=user, nc_auth_pass=PASSWORD)


def test_capabilities_and_current_user(server):
    nc = client(server, "alice")
    assert nc.talk.available
    assert "conversation-v4" in nc.capabilities["spreed"]["features"]
    assert nc.user == "alice"
    assert nc.srv_version["major"] >= 30


def test_conversation_lifecycle(server):
    nc = client(server, "alice")
    conv = nc.talk.create_conversation(ConversationType.GROUP, room_name="smoke")
    assert conv.conversation_type == ConversationType.GROUP
    assert conv.display_name == "smoke"

    tokens = [c.token for c in nc.talk.get_user_conversations()]
    assert conv.token in tokens

    nc.talk.rename_conversation(conv, "renamed smoke")
    nc.talk.set_conversation_description(conv, "smoke description")
    nc.talk.set_conversation_fav(conv, True)
    nc.talk.set_conversation_readonly(conv, True)
    nc.talk.set_conversation_notify_lvl(conv, NotificationLevel.ALWAYS_NOTIFY)
    conv = nc.talk.get_conversation_by_token(conv)
    assert conv.display_name == "renamed smoke"
    assert conv.description == "smoke description"
    assert conv.is_favorite
    assert conv.read_only
    assert conv.notification_level == NotificationLevel.ALWAYS_NOTIFY

    nc.talk.set_conversation_fav(conv, False)
    nc.talk.set_conversation_readonly(conv, False)
    nc.talk.set_conversation_public(conv, True)
    nc.talk.set_conversation_password(conv, "a long room password")
    conv = nc.talk.get_conversation_by_token(conv)
    assert not conv.is_favorite
    assert not conv.read_only
    assert conv.conversation_type == ConversationType.PUBLIC
    assert conv.has_password

    nc.talk.set_conversation_public(conv, False)
    assert nc.talk.get_conversation_by_token(conv).conversation_type == ConversationType.GROUP

    nc.talk.delete_conversation(conv)
    with pytest.raises(NextcloudException):
        nc.talk.get_conversation_by_token(conv.token)


def test_modified_since_uses_the_header(server):
    nc = client(server, "alice")
    nc.talk.create_conversation(ConversationType.GROUP, room_name="delta")
    assert nc.talk.get_user_conversations()
    # The library sends the last X-Nextcloud-Talk-Modified-Before back as modifiedSince.
    later = nc.talk.get_user_conversations(modified_since=True)
    assert isinstance(later, list)


def test_participants_and_leave(server):
    alice = client(server, "alice")
    bob = client(server, "bob")
    conv = alice.talk.create_conversation(ConversationType.GROUP, room_name="team")
    alice.ocs("POST", f"/ocs/v2.php/apps/spreed/api/v4/room/{conv.token}/participants",
              json={"newParticipant": "bob", "source": "users"})
    alice.ocs("POST", f"/ocs/v2.php/apps/spreed/api/v4/room/{conv.token}/participants",
              json={"newParticipant": "carol", "source": "users"})
    people = {p.actor_id: p for p in alice.talk.list_participants(conv)}
    assert set(people) == {"alice", "bob", "carol"}
    assert people["bob"].display_name == "Bob"
    assert people["alice"].attendee_id != people["bob"].attendee_id

    assert conv.token in [c.token for c in bob.talk.get_user_conversations()]
    bob.talk.leave_conversation(conv)
    assert conv.token not in [c.token for c in bob.talk.get_user_conversations()]
    assert {p.actor_id for p in alice.talk.list_participants(conv)} == {"alice", "carol"}


def test_one_to_one_is_reused(server):
    alice = client(server, "alice")
    first = alice.talk.create_conversation(ConversationType.ONE_TO_ONE, invite="bob", source="users")
    again = alice.talk.create_conversation(ConversationType.ONE_TO_ONE, invite="bob", source="users")
    assert first.token == again.token
    assert first.name == "bob"
    assert first.display_name == "Bob"


def test_errors_surface_as_exceptions(server):
    alice = client(server, "alice")
    bob = client(server, "bob")
    conv = alice.talk.create_conversation(ConversationType.GROUP, room_name="private")
    with pytest.raises(NextcloudException) as err:
        bob.talk.get_conversation_by_token(conv.token)
    assert err.value.status_code == 404
    wrong = Nextcloud(nextcloud_url=server, nc_auth_user="alice", nc_auth_pass="wrong")
    with pytest.raises(NextcloudException) as err:
        wrong.talk.get_user_conversations()
    assert err.value.status_code == 401


def _add(nc: Nextcloud, token: str, user: str) -> None:
    nc.ocs("POST", f"/ocs/v2.php/apps/spreed/api/v4/room/{token}/participants",
           json={"newParticipant": user, "source": "users"})


def test_chat_send_receive_reply_and_delete(server):
    alice = client(server, "alice")
    bob = client(server, "bob")
    conv = alice.talk.create_conversation(ConversationType.GROUP, room_name="chat")
    _add(alice, conv.token, "bob")

    sent = alice.talk.send_message("hello bob", conv)
    assert sent.message == "hello bob"
    assert sent.actor_type == "users"
    assert sent.actor_id == "alice"
    assert sent.actor_display_name == "Alice"
    assert sent.message_type == "comment"
    assert sent.system_message == ""
    assert sent.is_replyable
    assert len(sent.reference_id) == 64  # the library sends a sha256 hex reference id
    assert sent.message_parameters == []
    assert sent.expiration_timestamp == 0
    assert sent.reactions == {}
    assert sent.markdown

    # History (newest first) as bob sees it; the room is never empty, so no 304.
    history = bob.talk.receive_messages(conv, limit=10)
    assert history[0].message_id == sent.message_id
    assert history[0].message == "hello bob"
    assert history[-1].system_message == "conversation_created"
    assert [m.message_id for m in history] == sorted((m.message_id for m in history), reverse=True)

    # Bob replies; the reply carries its parent.
    reply = bob.talk.send_message("hello alice", conv, reply_to_message=sent)
    assert reply.parent["id"] == sent.message_id
    assert reply.parent["message"] == "hello bob"

    # Looking into the future without lastKnownMessageId lists from the oldest, ascending.
    future = alice.talk.receive_messages(conv, look_in_future=True, limit=200, timeout=1)
    assert [m.message_id for m in future] == sorted(m.message_id for m in future)
    assert future[0].system_message == "conversation_created"
    assert future[-1].message_id == reply.message_id
    assert future[-1].actor_id == "bob"
    assert future[-1].parent["id"] == sent.message_id

    deleted = bob.talk.delete_message(reply)
    assert deleted.system_message == "message_deleted"
    assert deleted.parent["id"] == reply.message_id
    assert deleted.parent["messageType"] == "comment_deleted"
    newest = alice.talk.receive_messages(conv, limit=2)
    assert newest[0].system_message == "message_deleted"
    assert newest[1].message_id == reply.message_id
    assert newest[1].message_type == "comment_deleted"


def test_chat_errors_surface_as_exceptions(server):
    alice = client(server, "alice")
    carol = client(server, "carol")
    conv = alice.talk.create_conversation(ConversationType.GROUP, room_name="no carol")
    with pytest.raises(NextcloudException) as err:
        carol.talk.send_message("let me in", conv)
    assert err.value.status_code == 404
    with pytest.raises(NextcloudException) as err:
        alice.talk.send_message("   ", conv)
    assert err.value.status_code == 400
    system = alice.talk.receive_messages(conv, limit=1)[0]
    with pytest.raises(NextcloudException) as err:
        alice.talk.delete_message(system)
    assert err.value.status_code == 405


def test_reactions_add_list_and_delete(server):
    alice = client(server, "alice")
    bob = client(server, "bob")
    conv = alice.talk.create_conversation(ConversationType.GROUP, room_name="reactions")
    _add(alice, conv.token, "bob")
    msg = alice.talk.send_message("react to this", conv)

    added = bob.talk.react_to_message(msg, "👍")
    assert list(added) == ["👍"]
    assert added["👍"][0].actor_type == "users"
    assert added["👍"][0].actor_id == "bob"
    assert added["👍"][0].actor_display_name == "Bob"
    assert added["👍"][0].timestamp > 0
    # Reacting again is fine (200 instead of 201) and changes nothing.
    assert [r.actor_id for r in bob.talk.react_to_message(msg, "👍")["👍"]] == ["bob"]
    alice.talk.react_to_message(msg, "🎉")

    everything = alice.talk.get_message_reactions(msg)
    assert set(everything) == {"👍", "🎉"}
    only = alice.talk.get_message_reactions(msg, reaction_filter="🎉")
    assert list(only) == ["🎉"]
    assert only["🎉"][0].actor_id == "alice"
    seen = alice.talk.receive_messages(conv, limit=20)
    counted = next(m for m in seen if m.message_id == msg.message_id)
    assert counted.reactions == {"👍": 1, "🎉": 1}

    left = bob.talk.delete_reaction(msg, "👍")
    assert list(left) == ["🎉"]
    assert alice.talk.delete_reaction(msg, "🎉") == {}
    assert alice.talk.get_message_reactions(msg) == {}
    with pytest.raises(NextcloudException) as err:
        bob.talk.delete_reaction(msg, "👍")
    assert err.value.status_code == 404


def test_breakout_rooms_through_the_transport(server):
    """configure → list → start → broadcast → stop → remove, as CLIENTS.md §2.9 describes."""
    alice = client(server, "alice")
    bob = client(server, "bob")
    talk = "/ocs/v2.php/apps/spreed/api"
    conv = alice.talk.create_conversation(ConversationType.GROUP, room_name="breakout class")
    for user in ("bob", "carol"):
        alice.ocs("POST", f"{talk}/v4/room/{conv.token}/participants", json={"newParticipant": user, "source": "users"})

    configured = alice.ocs("POST", f"{talk}/v1/breakout-rooms/{conv.token}", json={"mode": 1, "amount": 2})
    rooms = [r for r in configured if r["objectType"] == "room"]
    assert len(rooms) == 2
    assert all(r["objectId"] == conv.token for r in rooms)
    assert next(r for r in configured if r["token"] == conv.token)["breakoutRoomMode"] == 1

    listed = alice.ocs("GET", f"{talk}/v4/room/{conv.token}/breakout-rooms")
    assert sorted(r["name"] for r in listed) == ["Room 1", "Room 2"]

    started = alice.ocs("POST", f"{talk}/v1/breakout-rooms/{conv.token}/rooms")
    assert next(r for r in started if r["token"] == conv.token)["breakoutRoomStatus"] == 1
    mine = bob.ocs("GET", f"{talk}/v4/room/{conv.token}/breakout-rooms")
    assert len(mine) == 1

    broadcast = alice.ocs("POST", f"{talk}/v1/breakout-rooms/{conv.token}/broadcast", json={"message": "Two minutes"})
    assert len(broadcast) == 3
    latest = bob.talk.receive_messages(mine[0]["token"], limit=1)
    assert latest[0].message == "Two minutes"

    stopped = alice.ocs("DELETE", f"{talk}/v1/breakout-rooms/{conv.token}/rooms")
    assert next(r for r in stopped if r["token"] == conv.token)["breakoutRoomStatus"] == 0
    parent = alice.ocs("DELETE", f"{talk}/v1/breakout-rooms/{conv.token}")
    assert parent["token"] == conv.token
    assert parent["breakoutRoomMode"] == 0
    with pytest.raises(NextcloudException) as err:
        alice.ocs("GET", f"{talk}/v4/room/{conv.token}/breakout-rooms")
    assert err.value.status_code == 400


def test_polls_create_get_vote_and_close(server):
    alice = client(server, "alice")
    bob = client(server, "bob")
    conv = alice.talk.create_conversation(ConversationType.GROUP, room_name="polls")
    _add(alice, conv.token, "bob")

    poll = alice.talk.create_poll(conv, "Lunch?", ["pizza", "pasta", "salad"], hidden_results=False, max_votes=2)
    assert poll.question == "Lunch?"
    assert poll.options == ["pizza", "pasta", "salad"]
    assert poll.actor_id == "alice"
    assert not poll.closed
    assert not poll.hidden_results
    assert poll.max_votes == 2
    assert poll.voted_self == []
    # The poll appears in the chat as a shared object.
    shared = bob.talk.receive_messages(conv, limit=1)[0]
    assert shared.message == "{object}"
    assert shared.message_parameters["object"]["type"] == "talk-poll"
    assert shared.message_parameters["object"]["id"] == str(poll.poll_id)

    seen = bob.talk.get_poll(poll.poll_id, conv)
    assert seen.poll_id == poll.poll_id
    assert seen.votes == []  # nothing to show before voting
    voted = bob.talk.vote_poll([0, 2], seen)
    assert voted.voted_self == [0, 2]
    assert voted.votes == {"option-0": 1, "option-2": 1}
    assert voted.num_voters == 1
    assert voted.details == []
    with pytest.raises(NextcloudException) as err:
        bob.talk.vote_poll([0, 1, 2], seen)
    assert err.value.status_code == 400

    closed = alice.talk.close_poll(poll)
    assert closed.closed
    assert [(d.actor_id, d.option) for d in closed.details] == [("bob", 0), ("bob", 2)]
    assert bob.talk.get_poll(poll).closed
    with pytest.raises(NextcloudException) as err:
        bob.talk.vote_poll([1], poll)
    assert err.value.status_code == 400


def png(size: int) -> bytes:
    """A square, opaque PNG of `size` pixels, built without an imaging library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x20\x80\xc0" * size for _ in range(size))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_conversation_pictures(server):
    nc = client(server, "alice")
    conv = nc.talk.create_conversation(ConversationType.GROUP, room_name="pictures")
    assert not conv.is_custom_avatar
    default_version = conv.avatar_version

    conv = nc.talk.set_conversation_avatar(conv, ("🦀", "ff8800"))
    assert conv.is_custom_avatar
    assert conv.avatar_version != default_version
    assert b"<svg" in nc.talk.get_conversation_avatar(conv)

    conv = nc.talk.set_conversation_avatar(conv, png(64))
    assert conv.is_custom_avatar
    assert nc.talk.get_conversation_avatar(conv, dark=True).startswith(b"\x89PNG\r\n\x1a\n")

    conv = nc.talk.delete_conversation_avatar(conv)
    assert not conv.is_custom_avatar
    assert conv.avatar_version == default_version
    with pytest.raises(NextcloudException):
        nc.talk.set_conversation_avatar(conv, b"not a picture")
