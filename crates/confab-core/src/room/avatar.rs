//! Conversation pictures ("avatars"): the custom picture a moderator chooses, the rules for
//! choosing one, and the picture a conversation shows without one.
//!
//! As upstream, a custom picture carries a random version that changes with every new picture;
//! clients put `avatarVersion` into the picture's URL, so a new version is what makes them
//! fetch the new picture. Without a custom picture the version is derived from the default
//! picture itself, so it changes exactly when that picture does (a rename to a name starting
//! with an emoji, a type change).

use sha1::{Digest, Sha1};

use super::avatar_image::{picture_image, PictureFormat};
use super::avatar_svg::{emoji_svg, glyph_svg, Glyph, Theme};
use super::model::{Listable, Room, RoomType};
use super::service::RoomService;
use super::view::RoomView;
use crate::access::Member;
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::token::random_string;

/// Why a conversation picture is refused (400, with `error` and upstream's `message`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AvatarError {
    /// One-to-one conversations always show the other user.
    #[error("One-to-one rooms always need to show the other users avatar")]
    OneToOne,
    #[error("Invalid emoji character")]
    Emoji,
    #[error("Invalid background color")]
    Color,
    #[error("No image file provided")]
    NoFile,
    #[error("File is too big")]
    TooBig,
    #[error("Invalid image")]
    InvalidImage,
    #[error("Avatar image is not square")]
    NotSquare,
    #[error("Unknown filetype")]
    UnknownType,
}

impl AvatarError {
    /// The `error` key confab adds next to upstream's `message`.
    pub fn wire_key(self) -> &'static str {
        match self {
            Self::OneToOne => "type",
            Self::Emoji => "emoji",
            Self::Color => "color",
            Self::NoFile => "file",
            Self::TooBig => "size",
            Self::InvalidImage => "image",
            Self::NotSquare => "square",
            Self::UnknownType => "mime",
        }
    }
}

/// What a custom conversation picture shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AvatarImage {
    /// One emoji on a background of six hex digits, or on the viewer's theme colour (`None`).
    Emoji {
        emoji: String,
        color: Option<String>,
    },
    /// An uploaded PNG or JPEG, as re-encoded for keeping.
    Picture {
        format: PictureFormat,
        content: Vec<u8>,
    },
}

/// A custom conversation picture as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomAvatar {
    /// Random; a new picture gets a new version (`avatarVersion`).
    pub version: String,
    pub image: AvatarImage,
}

impl RoomAvatar {
    /// A new picture with a version of its own.
    pub fn new(image: AvatarImage) -> Self {
        Self {
            version: random_string(16),
            image,
        }
    }
}

/// A picture ready to be served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvatarFile {
    pub mime_type: &'static str,
    pub content: Vec<u8>,
}

const SVG: &str = "image/svg+xml";

/// The emoji and colour of an emoji picture, checked as upstream does: exactly one (possibly
/// combined) emoji, and a colour of six hex digits or none for the theme's.
pub fn emoji_image(emoji: &str, color: Option<&str>) -> Result<AvatarImage, AvatarError> {
    if !crate::chat::is_single_emoji(emoji) {
        return Err(AvatarError::Emoji);
    }
    let color = match color {
        None => None,
        Some(c) if c.len() == 6 && c.bytes().all(|b| b.is_ascii_hexdigit()) => Some(c.to_owned()),
        Some(_) => return Err(AvatarError::Color),
    };
    Ok(AvatarImage::Emoji {
        emoji: emoji.to_owned(),
        color,
    })
}

/// One-to-one conversations (current or former) never take a custom picture.
fn check_room_takes_avatar(room: &Room) -> Result<(), AvatarError> {
    if room.room_type.is_one_to_one() {
        Err(AvatarError::OneToOne)
    } else {
        Ok(())
    }
}

/// The picture a note-to-self conversation starts with, as upstream gives it.
pub fn note_to_self_image() -> AvatarImage {
    AvatarImage::Emoji {
        emoji: "\u{1F4DD}".to_owned(),
        color: Some("0082c9".to_owned()),
    }
}

/// The emoji a name starts with: the longest leading run of characters that is one emoji.
/// Keycaps (`1️⃣`, `#️⃣`) start with an ASCII character and do not count, as upstream looks at
/// the first character alone before taking the whole emoji.
fn leading_emoji(name: &str) -> Option<&str> {
    if name.starts_with(|c: char| c.is_ascii()) {
        return None;
    }
    // The longest emoji sequences (families with skin tones) have ten code points.
    let ends: Vec<usize> = name
        .char_indices()
        .skip(1)
        .map(|(i, _)| i)
        .chain(std::iter::once(name.len()))
        .take(10)
        .collect();
    ends.into_iter()
        .rev()
        .map(|end| &name[..end])
        .find(|prefix| emojis::get(prefix).is_some())
}

/// What a conversation without a custom picture shows.
enum Fallback<'a> {
    Emoji(&'a str),
    Glyph(Glyph),
}

/// Upstream's order: a one-to-one room shows the other user; a name starting with an emoji
/// shows that emoji; otherwise an icon for the kind of conversation.
fn fallback(room: &Room) -> Fallback<'_> {
    if room.room_type.is_one_to_one() {
        return Fallback::Glyph(Glyph::User);
    }
    if let Some(emoji) = leading_emoji(&room.name) {
        return Fallback::Emoji(emoji);
    }
    Fallback::Glyph(if room.object_type == "event" {
        Glyph::Event
    } else if room.room_type == RoomType::Public {
        Glyph::Public
    } else {
        Glyph::Group
    })
}

fn fallback_svg(room: &Room, theme: Theme) -> String {
    match fallback(room) {
        Fallback::Emoji(emoji) => emoji_svg(emoji, theme.background()),
        Fallback::Glyph(glyph) => glyph_svg(glyph, theme),
    }
}

/// Which drawing of the default pictures (`avatar_svg.rs`) is in use. Raise it whenever a
/// drawing changes, so that the versions of default pictures change with them.
const DEFAULT_DRAWING: u8 = 1;

/// The version of a default picture: a digest of what it is drawn from (the glyph or the
/// emoji, and [`DEFAULT_DRAWING`]), which decides the picture. Digesting these few bytes
/// rather than the drawn picture keeps room lists cheap: every room listed needs it.
fn fallback_version(fallback: &Fallback<'_>) -> String {
    let mut digest = Sha1::new();
    digest.update([DEFAULT_DRAWING]);
    match fallback {
        Fallback::Emoji(emoji) => {
            digest.update(b"emoji:");
            digest.update(emoji.as_bytes());
        }
        Fallback::Glyph(glyph) => {
            digest.update(b"glyph:");
            digest.update(match glyph {
                Glyph::User => "user",
                Glyph::Group => "group",
                Glyph::Public => "public",
                Glyph::Event => "event",
            });
        }
    }
    hex::encode(&digest.finalize()[..4])
}

/// `avatarVersion`: the custom picture's version, or that of the default picture.
pub fn avatar_version(room: &Room) -> String {
    match &room.avatar_version {
        Some(version) => version.clone(),
        None => fallback_version(&fallback(room)),
    }
}

/// The picture of `room` for a bright or dark theme: its custom picture when `custom` is set.
pub fn render_avatar(room: &Room, custom: Option<RoomAvatar>, theme: Theme) -> AvatarFile {
    let svg = match custom.map(|a| a.image) {
        Some(AvatarImage::Picture { format, content }) => {
            return AvatarFile {
                mime_type: format.mime_type(),
                content,
            }
        }
        Some(AvatarImage::Emoji { emoji, color }) => {
            emoji_svg(&emoji, color.as_deref().unwrap_or(theme.background()))
        }
        None => fallback_svg(room, theme),
    };
    AvatarFile {
        mime_type: SVG,
        content: svg.into_bytes(),
    }
}

impl RoomService {
    /// `POST /room/{token}/avatar/emoji` (`emoji`, `color`): moderators only.
    pub async fn set_emoji_avatar(
        &self,
        actor: &Actor,
        token: &str,
        emoji: &str,
        color: Option<&str>,
    ) -> Result<RoomView> {
        let member = self.ctx.moderator(actor, token).await?;
        check_room_takes_avatar(&member.room)?;
        let image = emoji_image(emoji, color)?;
        self.store_avatar(member, image).await
    }

    /// `POST /room/{token}/avatar` (multipart `file`): moderators only. `file` is the
    /// uploaded file, or why there is none to read; it is looked at after the caller.
    pub async fn set_picture_avatar(
        &self,
        actor: &Actor,
        token: &str,
        file: Result<Vec<u8>, AvatarError>,
    ) -> Result<RoomView> {
        let member = self.ctx.moderator(actor, token).await?;
        check_room_takes_avatar(&member.room)?;
        let bytes = file?;
        let image = tokio::task::spawn_blocking(move || picture_image(&bytes))
            .await
            .unwrap_or(Err(AvatarError::InvalidImage))?;
        self.store_avatar(member, image).await
    }

    async fn store_avatar(&self, member: Member, image: AvatarImage) -> Result<RoomView> {
        let now = self.ctx.now();
        let message = member.author().simple(member.room.id, "avatar_set", now);
        let room = self
            .ctx
            .store
            .set_room_avatar(member.room.id, &RoomAvatar::new(image), &[message])
            .await?;
        self.saved_avatar(member, room).await
    }

    /// `DELETE /room/{token}/avatar`: moderators only; a room without a custom picture stays
    /// as it is, with no system message.
    pub async fn remove_avatar(&self, actor: &Actor, token: &str) -> Result<RoomView> {
        let member = self.ctx.moderator(actor, token).await?;
        if member.room.avatar_version.is_none() {
            return self.view_of(member).await;
        }
        let now = self.ctx.now();
        let message = member
            .author()
            .simple(member.room.id, "avatar_removed", now);
        let room = self
            .ctx
            .store
            .remove_room_avatar(member.room.id, &[message])
            .await?;
        self.saved_avatar(member, room).await
    }

    async fn saved_avatar(&self, member: Member, room: Room) -> Result<RoomView> {
        self.ctx.feed.changed(room.id);
        self.view_of(Member { room, ..member }).await
    }

    /// `GET /room/{token}/avatar[/dark]`: for participants, and for users when the room is
    /// listed (upstream: participant, or logged in and the conversation listable); a public
    /// room is no reason to show its picture to an anonymous caller.
    pub async fn avatar(&self, actor: &Actor, token: &str, theme: Theme) -> Result<AvatarFile> {
        let room = self.ctx.room(token).await?;
        let listed = actor.user.is_some() && room.listable != Listable::None;
        if !listed && self.ctx.member_of(actor, &room).await?.is_none() {
            return Err(Error::RoomNotFound);
        }
        let custom = match room.avatar_version {
            Some(_) => self.ctx.store.room_avatar(room.id).await?,
            None => None,
        };
        Ok(render_avatar(&room, custom, theme))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_pictures_take_one_emoji_and_six_hex_digits() {
        assert!(emoji_image("\u{1F44B}", Some("123456")).is_ok());
        assert!(emoji_image("\u{1F44D}\u{1F3FD}", Some("abCDef")).is_ok());
        assert!(emoji_image("\u{1F34F}", None).is_ok());
        assert_eq!(
            emoji_image("\u{1F44B}\u{1F680}", None),
            Err(AvatarError::Emoji)
        );
        assert_eq!(emoji_image("a", None), Err(AvatarError::Emoji));
        assert_eq!(emoji_image("", None), Err(AvatarError::Emoji));
        for color in ["1234567", "GGGGGG", "#12345", "", "12345"] {
            assert_eq!(
                emoji_image("\u{1F44B}", Some(color)),
                Err(AvatarError::Color),
                "{color}"
            );
        }
    }

    #[test]
    fn each_default_picture_has_a_version_of_its_own() {
        let fallbacks = [
            Fallback::Glyph(Glyph::User),
            Fallback::Glyph(Glyph::Group),
            Fallback::Glyph(Glyph::Public),
            Fallback::Glyph(Glyph::Event),
            Fallback::Emoji("\u{1F499}"),
            Fallback::Emoji("\u{1F44D}\u{1F3FD}"),
            Fallback::Emoji("\u{1F44D}"),
        ];
        let versions: Vec<String> = fallbacks.iter().map(fallback_version).collect();
        for (i, version) in versions.iter().enumerate() {
            assert_eq!(version.len(), 8);
            assert_eq!(*version, fallback_version(&fallbacks[i]));
            assert!(!versions[..i].contains(version), "{version}");
        }
    }

    #[test]
    fn a_name_shows_the_whole_emoji_it_starts_with() {
        assert_eq!(leading_emoji("\u{1F499}room2"), Some("\u{1F499}"));
        assert_eq!(
            leading_emoji("\u{1F44D}\u{1F3FD} thumbs"),
            Some("\u{1F44D}\u{1F3FD}")
        );
        assert_eq!(leading_emoji("\u{1F499}"), Some("\u{1F499}"));
        assert_eq!(leading_emoji("room \u{1F499}"), None);
        assert_eq!(leading_emoji("1\u{FE0F}\u{20E3} first"), None);
        assert_eq!(leading_emoji("\u{E9}t\u{E9}"), None);
        assert_eq!(leading_emoji(""), None);
    }
}
