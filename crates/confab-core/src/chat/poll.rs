//! Polls: a question with options, votes per actor, results hidden until closed when asked.

use std::collections::BTreeMap;

use serde_json::Map;

use super::model::ChatPost;
use super::service::ChatService;
use super::share::object_message;
use crate::access::Member;
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::room::RoomType;

pub const POLL_OPEN: i64 = 0;
pub const POLL_CLOSED: i64 = 1;
pub const POLL_DRAFT: i64 = 2;
/// Results are visible once voted (public) or only once closed (hidden).
pub const RESULTS_PUBLIC: i64 = 0;
pub const RESULTS_HIDDEN: i64 = 1;
const MAX_QUESTION_CHARS: usize = 32_000;
const MAX_OPTIONS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poll {
    pub id: i64,
    pub room_id: i64,
    pub question: String,
    pub options: Vec<String>,
    pub result_mode: i64,
    pub max_votes: i64,
    pub status: i64,
    pub actor_type: String,
    pub actor_id: String,
    pub actor_display_name: String,
    pub created_at: i64,
}

/// One actor's vote for one option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollVote {
    pub actor_type: String,
    pub actor_id: String,
    pub actor_display_name: String,
    pub option_id: i64,
}

/// A poll as one viewer sees it.
#[derive(Debug, Clone)]
pub struct PollView {
    pub poll: Poll,
    pub voted_self: Vec<i64>,
    /// `option-N` → count, when the viewer may see results.
    pub votes: Option<BTreeMap<String, i64>>,
    pub num_voters: i64,
    /// Who voted what, for public polls whose results the viewer may see.
    pub details: Option<Vec<PollVote>>,
}

/// `POST /poll/{token}` and draft edits, parsed.
#[derive(Debug, Clone, Default)]
pub struct PollRequest {
    pub question: String,
    pub options: Vec<String>,
    pub result_mode: i64,
    pub max_votes: i64,
    pub draft: bool,
}

fn validate(request: &PollRequest) -> Result<(String, Vec<String>)> {
    let question = request.question.trim();
    if question.is_empty() || question.chars().count() > MAX_QUESTION_CHARS {
        return Err(Error::Invalid("question"));
    }
    let options: Vec<String> = request
        .options
        .iter()
        .map(|o| o.trim().to_owned())
        .collect();
    if options.len() < 2 || options.len() > MAX_OPTIONS || options.iter().any(String::is_empty) {
        return Err(Error::Invalid("options"));
    }
    if !matches!(request.result_mode, RESULTS_PUBLIC | RESULTS_HIDDEN) {
        return Err(Error::Invalid("options"));
    }
    if request.max_votes < 0 || request.max_votes as usize > options.len() {
        return Err(Error::Invalid("options"));
    }
    Ok((question.to_owned(), options))
}

fn poll_parameter(poll: &Poll) -> Map<String, serde_json::Value> {
    let mut object = Map::new();
    object.insert("type".into(), "talk-poll".into());
    object.insert("id".into(), poll.id.to_string().into());
    object.insert("name".into(), poll.question.clone().into());
    object
}

impl ChatService {
    /// The poll as `member` sees it (upstream's `renderPoll`): while a poll is open, results
    /// show only to voters of a public poll, and the number of voters also to its author and
    /// moderators so they know when to close it; who voted what shows once a public poll is
    /// closed.
    async fn view(&self, member: &Member, poll: Poll) -> Result<PollView> {
        let votes = self.ctx.store.poll_votes(poll.id).await?;
        let (me_type, me_id) = (
            member.attendee.actor_type.as_str(),
            member.attendee.actor_id.as_str(),
        );
        let voted_self: Vec<i64> = votes
            .iter()
            .filter(|v| v.actor_type == me_type && v.actor_id == me_id)
            .map(|v| v.option_id)
            .collect();
        let mut distinct_voters: Vec<(&str, &str)> = votes
            .iter()
            .map(|v| (v.actor_type.as_str(), v.actor_id.as_str()))
            .collect();
        distinct_voters.sort_unstable();
        distinct_voters.dedup();
        let counts = votes.iter().fold(BTreeMap::new(), |mut map, v| {
            *map.entry(format!("option-{}", v.option_id)).or_insert(0) += 1;
            map
        });
        let summary = !voted_self.is_empty() && poll.result_mode == RESULTS_PUBLIC;
        let hidden = !summary && poll.status == POLL_OPEN;
        let is_author = poll.actor_type == me_type && poll.actor_id == me_id;
        let num_voters = if hidden && !(member.is_moderator() || is_author) {
            0
        } else {
            distinct_voters.len() as i64
        };
        let details = (poll.result_mode == RESULTS_PUBLIC && poll.status == POLL_CLOSED)
            .then(|| votes.clone());
        Ok(PollView {
            votes: (!hidden).then_some(counts),
            num_voters,
            details,
            voted_self,
            poll,
        })
    }

    async fn poll_of(&self, member: &Member, id: i64) -> Result<Poll> {
        let poll = self
            .ctx
            .store
            .poll(member.room.id, id)
            .await?
            .ok_or(Error::NotFound("poll"))?;
        if poll.status == POLL_DRAFT && !member.is_moderator() {
            return Err(Error::NotFound("poll"));
        }
        Ok(poll)
    }

    /// `POST /poll/{token}`: creates a poll and posts it to the chat, or stores a draft.
    pub async fn create_poll(
        &self,
        actor: &Actor,
        token: &str,
        request: PollRequest,
    ) -> Result<PollView> {
        let member = self.writer(actor, token).await?;
        if !matches!(member.room.room_type, RoomType::Group | RoomType::Public) {
            return Err(Error::Invalid("room"));
        }
        let (question, options) = validate(&request)?;
        if request.draft && !member.is_moderator() {
            return Err(Error::Invalid("draft"));
        }
        let poll = Poll {
            id: 0,
            room_id: member.room.id,
            question,
            options,
            result_mode: request.result_mode,
            max_votes: request.max_votes,
            status: if request.draft { POLL_DRAFT } else { POLL_OPEN },
            actor_type: member.attendee.actor_type.as_str().to_owned(),
            actor_id: member.attendee.actor_id.clone(),
            actor_display_name: member.attendee.display_name.clone(),
            created_at: self.ctx.now(),
        };
        let poll = self.ctx.store.create_poll(&poll).await?;
        if !request.draft {
            self.share_poll(&member, &poll).await?;
        }
        self.view(&member, poll).await
    }

    /// Posts the poll into the chat as a shared object (`{object}`).
    async fn share_poll(&self, member: &Member, poll: &Poll) -> Result<()> {
        let message = object_message(member, poll_parameter(poll), poll.created_at);
        self.committer
            .post(ChatPost {
                message,
                sender: member.attendee.id,
                mentions: Vec::new(),
            })
            .await?;
        Ok(())
    }

    /// `GET /poll/{token}/{pollId}`
    pub async fn show_poll(&self, actor: &Actor, token: &str, id: i64) -> Result<PollView> {
        let member = self.ctx.member_past_lobby(actor, token).await?;
        let poll = self.poll_of(&member, id).await?;
        self.view(&member, poll).await
    }

    /// `POST /poll/{token}/{pollId}` (`optionIds`): replaces the caller's votes (an empty list
    /// withdraws them). Like upstream, any participant past the lobby may vote: neither the
    /// chat permission nor a read-only room stops it.
    pub async fn vote_poll(
        &self,
        actor: &Actor,
        token: &str,
        id: i64,
        option_ids: &[i64],
    ) -> Result<PollView> {
        let member = self.ctx.member_past_lobby(actor, token).await?;
        let poll = self.poll_of(&member, id).await?;
        if poll.status == POLL_DRAFT {
            return Err(Error::NotFound("poll"));
        }
        if poll.status != POLL_OPEN {
            return Err(Error::Rejected);
        }
        let mut choice = option_ids.to_vec();
        choice.sort_unstable();
        choice.dedup();
        let in_range = choice
            .iter()
            .all(|o| *o >= 0 && (*o as usize) < poll.options.len());
        if !in_range
            || choice.len() != option_ids.len()
            || (poll.max_votes > 0 && choice.len() as i64 > poll.max_votes)
        {
            return Err(Error::Rejected);
        }
        // Public polls tell the chat about every vote, withdrawn ones included.
        let note = (poll.result_mode == RESULTS_PUBLIC).then(|| {
            let mut extra = Map::new();
            extra.insert("poll".into(), poll_parameter(&poll).into());
            member
                .author()
                .message(member.room.id, "poll_voted", extra, self.ctx.now())
        });
        let voter = (
            member.attendee.actor_type.as_str(),
            member.attendee.actor_id.as_str(),
            member.attendee.display_name.as_str(),
        );
        self.ctx
            .store
            .vote_poll(poll.id, voter, &choice, note.as_slice())
            .await?;
        if note.is_some() {
            self.ctx.feed.changed(member.room.id);
        }
        self.view(&member, poll).await
    }

    /// `DELETE /poll/{token}/{pollId}`: the author or a moderator closes a poll (drafts are
    /// deleted instead; `None` then). Like voting, it needs no chat permission.
    pub async fn close_poll(
        &self,
        actor: &Actor,
        token: &str,
        id: i64,
    ) -> Result<Option<PollView>> {
        let member = self.ctx.member_past_lobby(actor, token).await?;
        let mut poll = self.poll_of(&member, id).await?;
        if poll.status == POLL_DRAFT {
            // Drafts belong to the logged-in moderators.
            if !member.is_user_moderator() {
                return Err(Error::NotFound("poll"));
            }
            self.ctx.store.delete_poll(poll.id).await?;
            return Ok(None);
        }
        if poll.status == POLL_CLOSED {
            return Err(Error::Rejected);
        }
        let is_author = poll.actor_type == member.attendee.actor_type.as_str()
            && poll.actor_id == member.attendee.actor_id;
        if !is_author && !member.is_moderator() {
            return Err(Error::NotModerator);
        }
        poll.status = POLL_CLOSED;
        let mut extra = Map::new();
        extra.insert("poll".into(), poll_parameter(&poll).into());
        let note = member
            .author()
            .message(member.room.id, "poll_closed", extra, self.ctx.now());
        self.ctx.store.update_poll(&poll, &[note]).await?;
        self.ctx.feed.changed(member.room.id);
        self.view(&member, poll).await.map(Some)
    }

    /// `GET /poll/{token}/drafts`: moderators list the room's drafts.
    pub async fn poll_drafts(&self, actor: &Actor, token: &str) -> Result<Vec<PollView>> {
        let member = self.ctx.moderator(actor, token).await?;
        let mut views = Vec::new();
        for poll in self.ctx.store.poll_drafts(member.room.id).await? {
            views.push(self.view(&member, poll).await?);
        }
        Ok(views)
    }

    /// `POST /poll/{token}/draft/{pollId}`: moderators edit a draft.
    pub async fn edit_poll_draft(
        &self,
        actor: &Actor,
        token: &str,
        id: i64,
        request: PollRequest,
    ) -> Result<PollView> {
        let member = self.ctx.moderator(actor, token).await?;
        let mut poll = self.poll_of(&member, id).await?;
        if poll.status != POLL_DRAFT {
            return Err(Error::Rejected);
        }
        let (question, options) = validate(&request)?;
        poll.question = question;
        poll.options = options;
        poll.result_mode = request.result_mode;
        poll.max_votes = request.max_votes;
        self.ctx.store.update_poll(&poll, &[]).await?;
        self.view(&member, poll).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(options: &[&str], max_votes: i64) -> PollRequest {
        PollRequest {
            question: "Lunch?".into(),
            options: options.iter().map(|o| (*o).to_owned()).collect(),
            result_mode: RESULTS_PUBLIC,
            max_votes,
            draft: false,
        }
    }

    #[test]
    fn polls_need_a_question_two_options_and_sane_limits() {
        assert!(validate(&request(&["a", "b"], 1)).is_ok());
        assert!(matches!(
            validate(&request(&["a"], 0)),
            Err(Error::Invalid("options"))
        ));
        assert!(matches!(
            validate(&request(&["a", " "], 0)),
            Err(Error::Invalid("options"))
        ));
        assert!(matches!(
            validate(&request(&["a", "b"], 3)),
            Err(Error::Invalid("options"))
        ));
        let mut blank = request(&["a", "b"], 0);
        blank.question = "  ".into();
        assert!(matches!(validate(&blank), Err(Error::Invalid("question"))));
    }
}
