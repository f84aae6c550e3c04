//! Messages: the conversation history, including the system messages state changes leave,
//! the chat service with its long polling, and the items shared to the chat.

mod committer;
mod edit;
mod feed;
mod mention;
mod model;
mod pin;
mod poll;
mod reaction;
mod read_marker;
mod receive;
mod rich_object;
mod service;
mod share;
mod system;

pub use edit::MentionSuggestion;
pub use feed::{ChatFeed, RoomFeed, WindowRead};
pub use model::{
    ChatPost, Edit, Mention, Message, MessageType, NewMessage, Pin, PinState, Posted, Reaction,
};
pub use poll::{Poll, PollRequest, PollView, PollVote, POLL_CLOSED, POLL_DRAFT, POLL_OPEN};
pub use reaction::is_single_emoji;
pub use read_marker::{ReadMarkers, UNREAD_FIRST_MESSAGE};
pub use receive::{Receive, Received, MAX_POLL_TIMEOUT};
pub use service::{ChatService, SendMessage, Sent, MAX_MESSAGE_CHARS};
pub use share::{ShareObject, SharedItemType, SharedItems, SharedOverview};
pub use system::{actor_parameter, SystemMessage};
