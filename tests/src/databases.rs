//! Fresh databases for each run, so no test depends on state left by another.

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

/// The server the harness uses: `RETURNS_TEST_PG` or the local trust-auth server.
pub fn server_url() -> String {
    std::env::var("RETURNS_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// Creates (dropping first if present) one database per service named `{prefix}_{service}`,
/// and returns the URLs in [`crate::SERVICES`] order.
pub async fn fresh(prefix: &str) -> anyhow::Result<Vec<String>> {
    let server = server_url();
    let mut admin = AsyncPgConnection::establish(&format!("{server}/postgres"))
        .await
        .map_err(|e| anyhow::anyhow!("cannot reach PostgreSQL at {server}: {e}"))?;
    let mut urls = Vec::new();
    for svc in crate::SERVICES {
        let name = format!("{prefix}_{svc}");
        anyhow::ensure!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "bad database name {name}"
        );
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await?;
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await?;
        urls.push(format!("{server}/{name}"));
    }
    Ok(urls)
}

/// Drops the databases made by [`fresh`].
pub async fn drop_all(prefix: &str) -> anyhow::Result<()> {
    let mut admin = AsyncPgConnection::establish(&format!("{}/postgres", server_url())).await?;
    for svc in crate::SERVICES {
        diesel::sql_query(format!(
            "DROP DATABASE IF EXISTS {prefix}_{svc} WITH (FORCE)"
        ))
        .execute(&mut admin)
        .await?;
    }
    Ok(())
}

/// Drops the databases of earlier test runs whose process is gone (a failed test cannot drop
/// its own: it stops at the failed assertion). Test databases are `rt_<test>_<pid>_<service>`.
pub async fn sweep_stale_test_databases() -> anyhow::Result<()> {
    #[derive(diesel::QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        datname: String,
    }
    let mut admin = AsyncPgConnection::establish(&format!("{}/postgres", server_url())).await?;
    let names: Vec<Name> =
        diesel::sql_query("SELECT datname FROM pg_database WHERE datname LIKE 'rt\\_%'")
            .load(&mut admin)
            .await?;
    for Name { datname } in names {
        let parts: Vec<&str> = datname.rsplitn(3, '_').collect();
        let alive = parts
            .get(1)
            .and_then(|p| p.parse::<u32>().ok())
            .is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        let safe = datname
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !alive && safe {
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {datname} WITH (FORCE)"))
                .execute(&mut admin)
                .await?;
        }
    }
    Ok(())
}
