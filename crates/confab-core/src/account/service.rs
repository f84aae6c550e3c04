//! Account management and authentication.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::{
    hash_app_password, hash_password, is_valid_id, verify_password, Group, User, ADMIN_GROUP,
};
use crate::actor::UserRef;
use crate::error::{Error, Result, StoreError};
use crate::services::Context;
use crate::token::random_string;

/// How long a verified password is trusted without hashing it again. argon2 costs tens of
/// milliseconds by design; clients send Basic credentials on every request.
const VERIFIED_TTL_SECONDS: i64 = 300;
/// The longest password accepted (Nextcloud's limit).
const MAX_PASSWORD_LEN: usize = 469;

/// Verified credentials: SHA-256 of `user\0password` → (user, expiry).
type VerifiedCache = HashMap<[u8; 32], (UserRef, i64)>;

#[derive(Clone)]
pub struct AccountService {
    pub(super) ctx: Arc<Context>,
    /// Bounds concurrent password hashing: each argon2 run holds 19 MiB, and a burst of
    /// first logins must not hold hundreds at once.
    hashing: Arc<tokio::sync::Semaphore>,
    /// Cleared on every account change.
    verified: Arc<Mutex<VerifiedCache>>,
}

impl AccountService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self {
            ctx,
            verified: Arc::default(),
            hashing: Arc::new(tokio::sync::Semaphore::new(2)),
        }
    }

    fn forget_verified(&self) {
        self.verified
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    async fn user_ref(&self, user: User) -> Result<UserRef> {
        let groups = self.ctx.store.user_groups(&user.id).await?;
        Ok(UserRef {
            is_admin: groups.iter().any(|g| g == ADMIN_GROUP),
            id: user.id,
            display_name: user.display_name,
        })
    }

    /// A still valid verification of the credentials behind `key`.
    fn cached(&self, key: &[u8; 32], now: i64) -> Option<UserRef> {
        let verified = self
            .verified
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        verified
            .get(key)
            .filter(|(_, expiry)| *expiry > now)
            .map(|(user, _)| user.clone())
    }

    fn remember(&self, key: [u8; 32], user: &UserRef, now: i64) {
        self.verified
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, (user.clone(), now + VERIFIED_TTL_SECONDS));
    }

    /// HTTP Basic: the login name with the account password or one of the user's app passwords.
    pub async fn authenticate_basic(&self, login: &str, password: &str) -> Result<UserRef> {
        // No account can have such a name; asking the store would only fail there (PostgreSQL
        // refuses U+0000), and the throttler must count it like any other wrong login.
        if !is_valid_id(login) {
            return Err(Error::InvalidCredentials);
        }
        let now = self.ctx.now();
        let key: [u8; 32] = Sha256::new()
            .chain_update(login.as_bytes())
            .chain_update([0])
            .chain_update(password.as_bytes())
            .finalize()
            .into();
        if let Some(user) = self.cached(&key, now) {
            return Ok(user);
        }
        let store = &self.ctx.store;
        if let Some(user) = store
            .user_by_app_password(&hash_app_password(password))
            .await?
        {
            if user.id == login {
                let user = self.user_ref(user).await?;
                self.remember(key, &user, now);
                return Ok(user);
            }
        }
        let _permit = self
            .hashing
            .acquire()
            .await
            .map_err(|_| Error::InvalidCredentials)?;
        // Another request may have verified the same credentials while this one waited.
        if let Some(user) = self.cached(&key, now) {
            return Ok(user);
        }
        let user = store.user(login).await?.ok_or(Error::InvalidCredentials)?;
        if !verify_blocking(password, &user.password_hash).await {
            return Err(Error::InvalidCredentials);
        }
        let user = self.user_ref(user).await?;
        self.remember(key, &user, now);
        Ok(user)
    }

    /// `Authorization: Bearer <app password>`.
    pub async fn authenticate_bearer(&self, app_password: &str) -> Result<UserRef> {
        let now = self.ctx.now();
        let key: [u8; 32] = Sha256::new()
            .chain_update([1])
            .chain_update(app_password.as_bytes())
            .finalize()
            .into();
        if let Some(user) = self.cached(&key, now) {
            return Ok(user);
        }
        let user = self
            .ctx
            .store
            .user_by_app_password(&hash_app_password(app_password))
            .await?
            .ok_or(Error::InvalidCredentials)?;
        let user = self.user_ref(user).await?;
        self.remember(key, &user, now);
        Ok(user)
    }

    pub async fn user(&self, id: &str) -> Result<Option<User>> {
        Ok(self.ctx.store.user(id).await?)
    }

    pub async fn users(&self, search: &str, limit: i64, offset: i64) -> Result<Vec<User>> {
        Ok(self.ctx.store.users(search, limit, offset).await?)
    }

    /// Creates an account. The display name defaults to the id.
    pub async fn create_user(
        &self,
        id: &str,
        password: &str,
        display_name: Option<&str>,
        email: &str,
    ) -> Result<User> {
        if !is_valid_id(id) {
            return Err(Error::Invalid("userid"));
        }
        check_password(password)?;
        let display_name = display_name
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .unwrap_or(id);
        let hash = hash_blocking(password).await;
        let user = User {
            id: id.to_owned(),
            display_name: display_name.to_owned(),
            email: email.to_owned(),
            password_hash: hash,
            created_at: self.ctx.now(),
        };
        match self.ctx.store.create_user(&user).await {
            Err(StoreError::Conflict { .. }) => Err(Error::AlreadyExists("user")),
            other => other.map(|()| user).map_err(Error::from),
        }
    }

    fn require(user: Option<User>) -> Result<User> {
        user.ok_or(Error::NotFound("user"))
    }

    pub async fn set_password(&self, id: &str, password: &str) -> Result<()> {
        check_password(password)?;
        let mut user = Self::require(self.ctx.store.user(id).await?)?;
        user.password_hash = hash_blocking(password).await;
        self.ctx.store.update_user(&user).await?;
        self.forget_verified();
        Ok(())
    }

    pub async fn set_display_name(&self, id: &str, display_name: &str) -> Result<()> {
        let display_name = display_name.trim();
        if display_name.is_empty() || display_name.chars().count() > 64 {
            return Err(Error::Invalid("displayname"));
        }
        let mut user = Self::require(self.ctx.store.user(id).await?)?;
        display_name.clone_into(&mut user.display_name);
        self.ctx.store.update_user(&user).await?;
        self.forget_verified();
        Ok(())
    }

    pub async fn set_email(&self, id: &str, email: &str) -> Result<()> {
        let email = email.trim();
        if !email.is_empty() && !email.contains('@') {
            return Err(Error::Invalid("email"));
        }
        let mut user = Self::require(self.ctx.store.user(id).await?)?;
        email.clone_into(&mut user.email);
        self.ctx.store.update_user(&user).await?;
        Ok(())
    }

    pub async fn delete_user(&self, id: &str) -> Result<()> {
        if !self.ctx.store.delete_user(id).await? {
            return Err(Error::NotFound("user"));
        }
        self.forget_verified();
        Ok(())
    }

    /// Issues a new app password for the user and returns it (shown once, stored hashed).
    pub async fn create_app_password(&self, id: &str) -> Result<String> {
        Self::require(self.ctx.store.user(id).await?)?;
        let app_password = random_string(72);
        self.ctx
            .store
            .add_app_password(id, &hash_app_password(&app_password), self.ctx.now())
            .await?;
        Ok(app_password)
    }

    pub async fn groups(&self, search: &str) -> Result<Vec<Group>> {
        Ok(self.ctx.store.groups(search).await?)
    }

    pub async fn create_group(&self, id: &str, display_name: Option<&str>) -> Result<Group> {
        if !is_valid_id(id) {
            return Err(Error::Invalid("groupid"));
        }
        let group = Group {
            id: id.to_owned(),
            display_name: display_name.unwrap_or(id).to_owned(),
        };
        match self.ctx.store.create_group(&group).await {
            Err(StoreError::Conflict { .. }) => Err(Error::AlreadyExists("group")),
            other => other.map(|()| group).map_err(Error::from),
        }
    }

    pub async fn delete_group(&self, id: &str) -> Result<()> {
        if id == ADMIN_GROUP {
            return Err(Error::Forbidden("group"));
        }
        if !self.ctx.store.delete_group(id).await? {
            return Err(Error::NotFound("group"));
        }
        self.forget_verified();
        Ok(())
    }

    pub async fn add_group_member(&self, group_id: &str, user_id: &str) -> Result<()> {
        self.ctx
            .store
            .group(group_id)
            .await?
            .ok_or(Error::NotFound("group"))?;
        Self::require(self.ctx.store.user(user_id).await?)?;
        self.ctx.store.add_group_member(group_id, user_id).await?;
        self.forget_verified();
        Ok(())
    }

    pub async fn remove_group_member(&self, group_id: &str, user_id: &str) -> Result<()> {
        self.ctx
            .store
            .group(group_id)
            .await?
            .ok_or(Error::NotFound("group"))?;
        Self::require(self.ctx.store.user(user_id).await?)?;
        self.ctx
            .store
            .remove_group_member(group_id, user_id)
            .await?;
        self.forget_verified();
        Ok(())
    }

    pub async fn group_members(&self, group_id: &str) -> Result<Vec<User>> {
        self.ctx
            .store
            .group(group_id)
            .await?
            .ok_or(Error::NotFound("group"))?;
        Ok(self.ctx.store.group_members(group_id).await?)
    }

    /// The groups of the user `user_id`; [`Error::NotFound`] (`user`) when there is no such user.
    pub async fn user_groups(&self, user_id: &str) -> Result<Vec<String>> {
        self.ctx
            .store
            .user(user_id)
            .await?
            .ok_or(Error::NotFound("user"))?;
        Ok(self.ctx.store.user_groups(user_id).await?)
    }

    /// The groups of `user`, already read.
    pub async fn groups_of(&self, user: &User) -> Result<Vec<String>> {
        Ok(self.ctx.store.user_groups(&user.id).await?)
    }

    /// Creates the account `admin` in group `admin` unless it exists (`CONFAB_ADMIN_PASSWORD`).
    pub async fn ensure_admin(&self, password: &str) -> Result<bool> {
        if self.ctx.store.group(ADMIN_GROUP).await?.is_none() {
            self.create_group(ADMIN_GROUP, Some("Admins")).await?;
        }
        if self.ctx.store.user("admin").await?.is_some() {
            return Ok(false);
        }
        self.create_user("admin", password, Some("Administrator"), "")
            .await?;
        self.ctx
            .store
            .add_group_member(ADMIN_GROUP, "admin")
            .await?;
        Ok(true)
    }
}

fn check_password(password: &str) -> Result<()> {
    if password.is_empty() || password.len() > MAX_PASSWORD_LEN {
        return Err(Error::Invalid("password"));
    }
    Ok(())
}

/// argon2 is deliberately slow; keep it off the async workers.
pub(crate) async fn hash_blocking(password: &str) -> String {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .unwrap_or_default()
}

/// Verifies a password against a hash off the async workers.
pub(crate) async fn verify_blocking(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}
