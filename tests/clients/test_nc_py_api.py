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
