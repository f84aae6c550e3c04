//! Translating driver errors into the domain's [`StoreError`].

use confab_core::StoreError;

/// Maps a sqlx error: unique violations become `Conflict`, everything else stays opaque.
pub(crate) fn map(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict {
            constraint: db.constraint().unwrap_or("unique").to_owned(),
        },
        _ => StoreError::Backend(Box::new(err)),
    }
}

/// `?` on sqlx results inside store methods.
pub(crate) trait OrStore<T> {
    fn or_store(self) -> Result<T, StoreError>;
}

impl<T> OrStore<T> for Result<T, sqlx::Error> {
    fn or_store(self) -> Result<T, StoreError> {
        self.map_err(map)
    }
}
