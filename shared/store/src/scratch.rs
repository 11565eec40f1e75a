//! A database of a unit test's own on the local PostgreSQL (feature `scratch`, for the shared
//! crates' tests): created fresh, dropped at the end, never shared with another test.

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::StoreError;

/// The local server, as the machine and CI have it (trust auth).
pub const SERVER: &str = "postgres://postgres@127.0.0.1:5432";

/// A new, empty database `name` (one left by an earlier run is dropped first); its URL.
pub async fn create(name: &str) -> Result<String, StoreError> {
    let mut admin = AsyncPgConnection::establish(&format!("{SERVER}/postgres")).await?;
    drop_in(&mut admin, name).await?;
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    Ok(format!("{SERVER}/{name}"))
}

/// Drops database `name`, closing what is still connected to it.
pub async fn drop(name: &str) -> Result<(), StoreError> {
    let mut admin = AsyncPgConnection::establish(&format!("{SERVER}/postgres")).await?;
    drop_in(&mut admin, name).await
}

async fn drop_in(admin: &mut AsyncPgConnection, name: &str) -> Result<(), StoreError> {
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(admin)
        .await?;
    Ok(())
}
