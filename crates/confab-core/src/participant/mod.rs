//! Participants: attendees (membership), their sessions (connections), roles and permissions.

mod adding;
mod import;
mod invitation;
mod model;
mod permissions;
mod removal;
mod role;
mod service;
mod session;

pub use import::{parse_email_csv, EmailImport};
pub use invitation::Invitation;
pub use model::{
    ActorType, Attendee, NewAttendee, NewSession, ParticipantType, Privacy, Session, NOTIFY_ALWAYS,
    NOTIFY_DEFAULT, NOTIFY_MENTION, NOTIFY_NEVER,
};
pub use permissions::{
    apply_permission_change, effective_permissions, lobby_blocks, PermissionMethod, Permissions,
};
pub use service::{AddOutcome, ParticipantEntry, ParticipantService, SESSION_STALE_SECONDS};
