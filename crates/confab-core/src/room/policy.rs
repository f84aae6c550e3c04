//! Conversation policies a moderator sets: who may mention everyone, whether joining a call
//! needs consent to recording, and SIP dial-in. Breakout rooms take them from their parent
//! (TALK-BEHAVIOR §1.14).

use super::settings::{refuse_breakout_room, require_group_like};
use super::view::RoomView;
use super::{RoomService, OBJECT_TYPE_BREAKOUT};
use crate::actor::Actor;
use crate::app_config::{CONSENT_REQUIRED_NO, CONSENT_REQUIRED_YES};
use crate::breakout_room::{MODE_NOT_CONFIGURED, STATUS_STOPPED};
use crate::error::{Error, Result};

/// `mentionPermissions`: everyone may mention `@all`, or only moderators.
pub const MENTION_EVERYONE: i64 = 0;
pub const MENTION_MODERATORS: i64 = 1;

/// Whether `value` is a `recordingConsent` a conversation can hold (0 or 1), for creation and
/// for `PUT /room/{token}/recording-consent` alike.
pub(super) fn recording_consent_fits(value: i64) -> bool {
    matches!(value, CONSENT_REQUIRED_NO | CONSENT_REQUIRED_YES)
}

impl RoomService {
    /// `PUT /room/{token}/mention-permissions` (`mentionPermissions` 0|1). No system message,
    /// as upstream.
    pub async fn set_mention_permissions(
        &self,
        actor: &Actor,
        token: &str,
        value: i64,
    ) -> Result<RoomView> {
        let mut member = self.ctx.user_moderator(actor, token).await?;
        if member.room.mention_permissions == value {
            return self.view_of(member).await;
        }
        require_group_like(&member.room)?;
        refuse_breakout_room(&member.room)?;
        if !matches!(value, MENTION_EVERYONE | MENTION_MODERATORS) {
            return Err(Error::Invalid("value"));
        }
        member.room.mention_permissions = value;
        self.save(actor, member, Vec::new()).await
    }

    /// `PUT /room/{token}/recording-consent` (`recordingConsent` 0|1), upstream's rules: a
    /// breakout room keeps its parent's value, a parent cannot change it while its breakout
    /// rooms run, and a parent's new value is copied to its breakout rooms.
    ///
    /// Upstream answers 412 `config` first when no recording server is configured. confab
    /// records nothing, yet keeps the requirement so that conversations carry it as Talk's do;
    /// it is reported only when the server's `recording_consent` leaves it to conversations.
    pub async fn set_recording_consent(
        &self,
        actor: &Actor,
        token: &str,
        value: i64,
    ) -> Result<RoomView> {
        let mut member = self.ctx.user_moderator(actor, token).await?;
        if member.room.recording_consent == value {
            return self.view_of(member).await;
        }
        if !recording_consent_fits(value) {
            return Err(Error::Invalid("value"));
        }
        if value != CONSENT_REQUIRED_NO && member.room.call_flag != 0 {
            return Err(Error::Invalid("call"));
        }
        refuse_breakout_room(&member.room)?;
        if member.room.breakout_room_status != STATUS_STOPPED {
            return Err(Error::Invalid("breakout-room"));
        }
        let now = self.ctx.now();
        member.room.recording_consent = value;
        member.room.last_activity = now;
        member.room.modified_at = now;
        // The parent and its breakout rooms change together, in one transaction.
        let mut rooms = vec![member.room.clone()];
        if member.room.breakout_room_mode != MODE_NOT_CONFIGURED {
            let children = self
                .ctx
                .store
                .rooms_by_object(OBJECT_TYPE_BREAKOUT, &member.room.token)
                .await?;
            rooms.extend(children.into_iter().map(|mut child| {
                child.recording_consent = value;
                child.last_activity = now;
                child.modified_at = now;
                child
            }));
        }
        self.ctx.store.update_rooms(&rooms, &[]).await?;
        for room in &rooms {
            self.ctx.feed.changed(room.id);
        }
        let member = self
            .ctx
            .member_of(actor, &member.room)
            .await?
            .unwrap_or(member);
        self.view_of(member).await
    }

    /// `PUT /room/{token}/webinar/sip` (`state` 0|1|2). confab has no SIP bridge, so, as
    /// upstream does on a server without one, every request ends in 412 `config`. The rules
    /// that hold whatever the configuration come first (upstream checks them after the
    /// configuration): a breakout room never has SIP, only group and public conversations can,
    /// and only the three states exist.
    pub async fn set_sip_enabled(&self, actor: &Actor, token: &str, state: i64) -> Result<()> {
        let member = self.ctx.user_moderator(actor, token).await?;
        refuse_breakout_room(&member.room)?;
        require_group_like(&member.room)?;
        if !(0..=2).contains(&state) {
            return Err(Error::Invalid("value"));
        }
        Err(Error::NotConfigured("config"))
    }
}
