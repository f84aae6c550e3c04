//! Keeping banned people out: joining answers 403 `ban` (TALK-BEHAVIOR §3.5), adding a banned
//! user answers 400 `ban`, and groups and breakout rooms pass banned people over.

use std::collections::HashSet;
use std::net::IpAddr;

use super::model::{Ban, BannedActorType};
use crate::actor::Actor;
use crate::error::{Error, Result, StoreError};
use crate::ip_range::IpRange;
use crate::participant::{ActorType, Attendee};
use crate::room::Room;
use crate::services::Context;

fn banned() -> Error {
    Error::Forbidden("ban")
}

impl Context {
    /// Refuses (403 `ban`) a banned caller who joins `room`; `known` is their attendee there,
    /// when they have one.
    ///
    /// Users are banned by account. A guest has none: they are recognised by their attendee,
    /// or by the client that was bound to them when they were banned (upstream keeps a banned
    /// guest's id in their web session the same way). A recognised guest gets their address
    /// banned too, as upstream does, so a fresh client from the same place stays out as well.
    /// Guests who are not email guests are also kept out by `ip` bans.
    pub(crate) async fn refuse_banned(
        &self,
        room: &Room,
        actor: &Actor,
        known: Option<&Attendee>,
    ) -> Result<()> {
        if let Some(user) = &actor.user {
            return if self.user_banned(room.id, &user.id).await? {
                Err(banned())
            } else {
                Ok(())
            };
        }
        self.refuse_banned_client(room, actor).await?;
        if let Some(attendee) = known {
            self.refuse_banned_attendee(room, actor, attendee).await?;
            if attendee.actor_type == ActorType::Emails {
                return Ok(());
            }
        }
        match actor.remote_addr {
            Some(address) if self.address_banned(room, address).await? => Err(banned()),
            _ => Ok(()),
        }
    }

    /// Refuses (403 `ban`) the client of a guest who was banned from `room`.
    pub(crate) async fn refuse_banned_client(&self, room: &Room, actor: &Actor) -> Result<()> {
        let Some(client) = actor.client_session.as_deref() else {
            return Ok(());
        };
        match self.store.ban_of_client(room.id, client).await? {
            Some(ban) => {
                self.ban_address(&ban, actor.remote_addr).await?;
                Err(banned())
            }
            None => Ok(()),
        }
    }

    /// Refuses (403 `ban`) a guest whose attendee is banned from `room` (an email guest
    /// invited again after their ban).
    pub(crate) async fn refuse_banned_attendee(
        &self,
        room: &Room,
        actor: &Actor,
        attendee: &Attendee,
    ) -> Result<()> {
        let Some(kind) = BannedActorType::of(attendee.actor_type) else {
            return Ok(());
        };
        match self
            .store
            .ban_of_actor(room.id, kind, &attendee.actor_id)
            .await?
        {
            Some(ban) => {
                self.ban_address(&ban, actor.remote_addr).await?;
                Err(banned())
            }
            None => Ok(()),
        }
    }

    /// Bans `address` as `ban` banned the guest coming from it: same moderator, time and note
    /// (once: an address banned already stays as it is).
    async fn ban_address(&self, ban: &Ban, address: Option<IpAddr>) -> Result<()> {
        let Some(address) = address else {
            return Ok(());
        };
        let address = address.to_canonical().to_string();
        let copy = Ban {
            id: 0,
            banned_actor_type: BannedActorType::Ip,
            banned_display_name: address.clone(),
            banned_actor_id: address,
            ..ban.clone()
        };
        match self.store.ban_actor(&copy, None, &[]).await {
            Ok(_) | Err(StoreError::Conflict { .. }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    /// Whether an `ip` ban of `room` covers `address`.
    async fn address_banned(&self, room: &Room, address: IpAddr) -> Result<bool> {
        let bans = self.store.bans(&[room.id]).await?;
        Ok(bans
            .iter()
            .filter(|b| b.banned_actor_type == BannedActorType::Ip)
            .filter_map(|b| IpRange::parse(&b.banned_actor_id))
            .any(|range| range.contains(address)))
    }

    /// Whether user `user_id` is banned from room `room_id`.
    pub(crate) async fn user_banned(&self, room_id: i64, user_id: &str) -> Result<bool> {
        Ok(self
            .store
            .ban_of_actor(room_id, BannedActorType::Users, user_id)
            .await?
            .is_some())
    }

    /// The actors banned from any of `room_ids`, as (room id, actor type, actor id).
    pub(crate) async fn banned_actors(
        &self,
        room_ids: &[i64],
    ) -> Result<HashSet<(i64, ActorType, String)>> {
        if room_ids.is_empty() {
            return Ok(HashSet::new());
        }
        Ok(self
            .store
            .bans(room_ids)
            .await?
            .into_iter()
            .filter_map(|b| {
                let actor_type = b.banned_actor_type.actor_type()?;
                Some((b.room_id, actor_type, b.banned_actor_id))
            })
            .collect())
    }
}
