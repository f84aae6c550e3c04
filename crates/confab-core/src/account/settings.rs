//! A user's own Talk settings (`POST /settings/user`): read privacy, typing privacy and
//! sounds. Read privacy also decides whether the user's read marker counts for the others.

use super::AccountService;
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::participant::Privacy;

/// The stored keys, as upstream names them.
pub const READ_STATUS_PRIVACY: &str = "read_status_privacy";
pub const TYPING_PRIVACY: &str = "typing_privacy";
pub const PLAY_SOUNDS: &str = "play_sounds";
/// Where uploads go; confab keeps no files, so it cannot be set.
pub const ATTACHMENT_FOLDER: &str = "attachment_folder";

/// A user's settings, defaults filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserSettings {
    pub read_privacy: Privacy,
    pub typing_privacy: Privacy,
    pub play_sounds: bool,
}

impl Default for UserSettings {
    fn default() -> Self {
        Self {
            read_privacy: Privacy::Public,
            typing_privacy: Privacy::Public,
            play_sounds: true,
        }
    }
}

/// A setting's value as sent: a number or a string (or nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingValue {
    Int(i64),
    Text(String),
    Null,
}

impl SettingValue {
    /// `0` or `1`, sent as a number or as its digit.
    fn privacy(&self) -> Option<Privacy> {
        match self {
            Self::Int(n) => Privacy::from_i64(*n),
            Self::Text(t) => t.parse().ok().and_then(Privacy::from_i64),
            Self::Null => None,
        }
    }
}

impl AccountService {
    /// The caller's settings; guests have none (401).
    pub async fn user_settings(&self, actor: &Actor) -> Result<UserSettings> {
        let user = actor.require_user()?;
        let mut settings = UserSettings::default();
        for (key, value) in self.ctx.store.user_settings(&user.id).await? {
            let privacy = value.parse().ok().and_then(Privacy::from_i64);
            match (key.as_str(), privacy) {
                (READ_STATUS_PRIVACY, Some(p)) => settings.read_privacy = p,
                (TYPING_PRIVACY, Some(p)) => settings.typing_privacy = p,
                (PLAY_SOUNDS, _) => settings.play_sounds = value != "no",
                _ => {}
            }
        }
        Ok(settings)
    }

    /// `POST /settings/user`: sets one of the caller's settings (400 for an unknown key or a
    /// value the key does not take).
    pub async fn set_user_setting(
        &self,
        actor: &Actor,
        key: &str,
        value: &SettingValue,
    ) -> Result<()> {
        let user = actor.require_user()?;
        let store = &self.ctx.store;
        match key {
            READ_STATUS_PRIVACY => {
                let privacy = value.privacy().ok_or(Error::Invalid("value"))?;
                store.set_read_privacy(&user.id, privacy).await?;
                // The common read markers change with who counts.
                self.ctx.feed.forget_common_reads();
            }
            TYPING_PRIVACY => {
                let privacy = value.privacy().ok_or(Error::Invalid("value"))?;
                let stored = privacy.as_i64().to_string();
                store.set_user_setting(&user.id, key, &stored).await?;
            }
            PLAY_SOUNDS => match value {
                SettingValue::Text(t) if t == "yes" || t == "no" => {
                    store.set_user_setting(&user.id, key, t).await?;
                }
                _ => return Err(Error::Invalid("value")),
            },
            ATTACHMENT_FOLDER => return Err(Error::NotImplemented("attachments")),
            _ => return Err(Error::Invalid("key")),
        }
        Ok(())
    }
}
