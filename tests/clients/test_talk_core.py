"""nextcloud-talk-core against a real confab.

talk-core sends form-encoded bodies on POST, PUT and DELETE and asks for JSON only through the
Accept header, so these tests cover the form parsing of every method it uses. It crashes on a
304, so every poll here has a message waiting.
"""

import pytest
from nextcloud_talk_core import (
    NextcloudNotFoundError,
    NextcloudOCSError,
    OCSClient,
    Settings,
    TalkClient,
)

from conftest import PASSWORD

GROUP = 2


def settings(server: str, user: str) -> Settings:
    return Settings(nc_url=server, nc_user=user, nc_app_password=PASSWORD)


def talk(server: str, user: str) -> TalkClient:
    return TalkClient(settings(server, user), max_retries=0)


def room(server: str, user: str, token: str) -> dict:
    """The conversation as `user` sees it, read past talk-core's reduced model."""
    with OCSClient(settings(server, user), max_retries=0) as ocs:
        return ocs.get(f"/api/v4/room/{token}")


def shared(server: str, name: str) -> tuple[TalkClient, TalkClient, str]:
    alice = talk(server, "alice")
    bob = talk(server, "bob")
    conv = alice.create_conversation(GROUP, room_name=name)
    alice.add_participant(conv.token, "bob")
    return alice, bob, conv.token


def test_conversation_create_rename_describe_and_delete(server):
    with talk(server, "alice") as alice:
        conv = alice.create_conversation(GROUP, room_name="core room")
        assert conv.name == "core room"
        assert conv.type == GROUP
        assert conv.token in [c.token for c in alice.list_conversations()]

        alice.rename_conversation(conv.token, "core room renamed")
        alice.set_description(conv.token, "a description with spaces & ümlauts")
        seen = room(server, "alice", conv.token)
        assert seen["displayName"] == "core room renamed"
        assert seen["description"] == "a description with spaces & ümlauts"
        listed = next(c for c in alice.list_conversations() if c.token == conv.token)
        assert listed.name == "core room renamed"

        alice.delete_conversation(conv.token)
        assert conv.token not in [c.token for c in alice.list_conversations()]
        with pytest.raises(NextcloudNotFoundError):
            alice.read_messages(conv.token)


def test_participants_add_list_and_remove(server):
    alice, _bob, token = shared(server, "core people")
    assert alice.add_participant(token, "carol") is None
    people = {p.actor_id: p for p in alice.list_participants(token)}
    assert set(people) == {"alice", "bob", "carol"}
    assert people["carol"].display_name == "Carol"
    assert people["alice"].participant_type == 1
    assert people["carol"].participant_type == 3

    alice.remove_participant(token, people["carol"].attendee_id)
    assert {p.actor_id for p in alice.list_participants(token)} == {"alice", "bob"}
    with pytest.raises(NextcloudNotFoundError):
        talk(server, "carol").read_messages(token)
    # Removing them again: the attendee is gone.
    with pytest.raises(NextcloudNotFoundError):
        alice.remove_participant(token, people["carol"].attendee_id)


def test_send_read_wait_edit_and_delete(server):
    alice, bob, token = shared(server, "core chat")
    first = alice.send_message(token, "first message")
    assert first.message == "first message"
    assert first.actor == "Alice"
    assert first.id > 0 and first.timestamp > 0

    reply = bob.send_message(token, "a reply", reply_to=first.id)
    history = alice.read_messages(token, limit=5)
    assert [m.id for m in history[:2]] == [reply.id, first.id]
    assert history[0].actor == "Bob"

    # A message is already waiting after first.id, so the poll answers at once.
    waiting = alice.wait_for_messages(token, first.id, timeout=5)
    assert [m.id for m in waiting] == [reply.id]
    assert waiting[0].message == "a reply"

    edited = alice.edit_message(token, first.id, "first message, edited")
    assert edited.message == "You edited a message"
    texts = {m.id: m.message for m in bob.read_messages(token, limit=10)}
    assert texts[first.id] == "first message, edited"

    assert bob.delete_message(token, reply.id) == "message_deleted"
    texts = {m.id: m.message for m in alice.read_messages(token, limit=10)}
    assert texts[reply.id] == "Message deleted by {actor}"

    with pytest.raises(NextcloudOCSError) as err:
        bob.edit_message(token, first.id, "not mine")
    assert err.value.statuscode == 403
    with pytest.raises(NextcloudNotFoundError):
        alice.edit_message(token, 999999, "ghost")


def test_read_markers(server):
    alice, bob, token = shared(server, "core unread")
    first = alice.send_message(token, "one")
    alice.send_message(token, "two")
    alice.send_message(token, "three")

    bob.mark_as_read(token)
    seen = room(server, "bob", token)
    assert seen["unreadMessages"] == 0
    assert next(c for c in bob.list_conversations() if c.token == token).unread == 0

    bob.mark_as_unread(token)
    assert room(server, "bob", token)["unreadMessages"] == 1

    bob.mark_as_read(token, first.id)
    seen = room(server, "bob", token)
    assert seen["lastReadMessage"] == first.id
    assert seen["unreadMessages"] == 2


def test_mentions(server):
    alice, bob, token = shared(server, "core mentions")
    found = {m.id: m for m in alice.list_mentions(token)}
    assert found["bob"].label == "Bob"
    assert found["bob"].source == "users"
    assert found["all"].source == "calls"
    assert "alice" not in found

    sent = alice.send_message(token, "@bob have a look")
    assert sent.message == "{mention-user1} have a look"
    assert room(server, "bob", token)["unreadMentionDirect"] is True


def test_reactions_add_list_and_remove(server):
    alice, bob, token = shared(server, "core reactions")
    msg = alice.send_message(token, "react here")

    added = bob.add_reaction(token, msg.id, "👍")
    assert list(added) == ["👍"]
    assert added["👍"][0].actor_id == "bob"
    assert added["👍"][0].actor_display_name == "Bob"
    assert added["👍"][0].timestamp > 0
    alice.add_reaction(token, msg.id, "❤️")

    assert set(alice.list_reactions(token, msg.id)) == {"👍", "❤️"}
    assert list(alice.list_reactions(token, msg.id, "❤️")) == ["❤️"]

    # DELETE with a form body.
    left = bob.remove_reaction(token, msg.id, "👍")
    assert list(left) == ["❤️"]
    assert alice.remove_reaction(token, msg.id, "❤️") == {}
    assert alice.list_reactions(token, msg.id) == {}

    with pytest.raises(NextcloudNotFoundError):
        bob.remove_reaction(token, msg.id, "👍")
    with pytest.raises(NextcloudOCSError) as err:
        bob.add_reaction(token, msg.id, "not an emoji")
    assert err.value.statuscode == 400
