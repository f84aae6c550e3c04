//! `ConfigStore`: the Talk app settings.

use confab_core::store::ConfigStore;

use crate::support::each_backend;

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn app_config_is_empty_on_a_fresh_store() {
    each_backend(|store| async move {
        assert!(store.app_config().await?.is_empty());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn app_config_lists_every_setting_ordered_by_key() {
    each_backend(|store| async move {
        store.set_app_config("start_calls", "1").await?;
        store
            .set_app_config("allowed_groups", "[\"staff\"]")
            .await?;
        store.set_app_config("message_expiration", "").await?;
        assert_eq!(
            store.app_config().await?,
            pairs(&[
                ("allowed_groups", "[\"staff\"]"),
                ("message_expiration", ""),
                ("start_calls", "1")
            ])
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn set_app_config_overwrites_an_existing_value() {
    each_backend(|store| async move {
        store.set_app_config("start_calls", "1").await?;
        store.set_app_config("start_calls", "3").await?;
        assert_eq!(store.app_config().await?, pairs(&[("start_calls", "3")]));
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn delete_app_config_removes_the_key_and_ignores_unknown_keys() {
    each_backend(|store| async move {
        store.set_app_config("a", "1").await?;
        store.set_app_config("b", "2").await?;
        store.delete_app_config("a").await?;
        store.delete_app_config("missing").await?;
        assert_eq!(store.app_config().await?, pairs(&[("b", "2")]));
        store.set_app_config("a", "again").await?;
        assert_eq!(
            store.app_config().await?,
            pairs(&[("a", "again"), ("b", "2")])
        );
        Ok(())
    })
    .await;
}
