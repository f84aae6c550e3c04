//! Conversations ("rooms" on the wire): types, settings and the service that changes them.
//!
//! `creation` makes new rooms; `service` lists, reads and deletes them. Settings are split by
//! who they concern: `settings` (the room as a whole), `guest_access`
//! (public or not, password), `preferences` (each attendee's own flags and notifications).

mod avatar;
mod avatar_image;
mod avatar_svg;
mod creation;
mod guest_access;
mod invitation;
mod model;
mod policy;
mod preferences;
mod service;
mod settings;
mod view;

pub use avatar::{avatar_version, AvatarError, AvatarFile, AvatarImage, RoomAvatar};
pub use avatar_image::{PictureFormat, MAX_PICTURE_BYTES};
pub use avatar_svg::Theme;
pub(crate) use creation::draw_again;
pub use creation::{CreateRoom, CreatedRoom};
pub use model::{
    Listable, NewRoom, Room, RoomType, MAX_DESCRIPTION_CHARS, MAX_MESSAGE_EXPIRATION_SECONDS,
    MAX_NAME_CHARS, OBJECT_TYPE_BREAKOUT,
};
pub use policy::{MENTION_EVERYONE, MENTION_MODERATORS};
pub use preferences::AttendeeFlag;
pub use service::{user_added_by, RoomService};
pub use view::{ChatState, ListOptions, RoomView};
