//! A handler's writes inside a savepoint of the slice's (or the timer round's) transaction
//! (issue 13): a handler that writes and then refuses leaves nothing behind, so the dead
//! letter (or the deadline marked fired) commits alone, and a failure's writes go with it.

use diesel_async::{AnsiTransactionManager, AsyncPgConnection, TransactionManager};

use crate::{HandleError, Outgoing};

/// What a handler did: applied, with the events it emits, or refused with its reason (its
/// writes undone).
#[derive(Debug)]
pub enum Handled {
    Applied(Vec<Outgoing>),
    Rejected(String),
}

/// Runs `handle` in a savepoint of the caller's transaction: kept when it applies, rolled back
/// when it refuses or fails.
pub async fn within_savepoint<F>(
    conn: &mut AsyncPgConnection,
    handle: F,
) -> Result<Handled, HandleError>
where
    F: AsyncFnOnce(&mut AsyncPgConnection) -> Result<Vec<Outgoing>, HandleError>,
{
    // Inside a transaction, the transaction manager's begin is a SAVEPOINT, its commit a
    // RELEASE and its rollback a ROLLBACK TO SAVEPOINT.
    AnsiTransactionManager::begin_transaction(conn).await?;
    let done = handle(conn).await;
    match done {
        Ok(out) => {
            AnsiTransactionManager::commit_transaction(conn).await?;
            Ok(Handled::Applied(out))
        }
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(conn).await?;
            match e {
                HandleError::Reject(reason) => Ok(Handled::Rejected(reason)),
                other => Err(other),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::sql_types::BigInt;
    use diesel_async::{AsyncConnection, RunQueryDsl};

    use returns_store::scratch;

    /// A database of this test's own, dropped again at the end.
    struct Scratch {
        name: String,
    }

    impl Scratch {
        async fn new(tag: &str) -> (Scratch, AsyncPgConnection) {
            let name = format!("bus_{tag}_{}", std::process::id());
            let url = scratch::create(&name)
                .await
                .expect("PostgreSQL on 127.0.0.1:5432");
            let mut conn = AsyncPgConnection::establish(&url).await.expect("connect");
            diesel::sql_query("CREATE TABLE writes (n BIGINT NOT NULL)")
                .execute(&mut conn)
                .await
                .expect("table");
            (Scratch { name }, conn)
        }

        async fn drop(self, conn: AsyncPgConnection) {
            std::mem::drop(conn);
            scratch::drop(&self.name).await.expect("drop");
        }
    }

    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    async fn write(conn: &mut AsyncPgConnection, n: i64) -> Result<(), HandleError> {
        diesel::sql_query(format!("INSERT INTO writes VALUES ({n})"))
            .execute(conn)
            .await?;
        Ok(())
    }

    async fn kept(conn: &mut AsyncPgConnection) -> Vec<i64> {
        let rows: Vec<Row> = diesel::sql_query("SELECT n FROM writes ORDER BY n")
            .load(conn)
            .await
            .expect("select");
        rows.into_iter().map(|r| r.n).collect()
    }

    /// The slice's transaction: a handler (writes 1, then `ends`), then the consumer's own
    /// write (2, the dead letter's place), committed.
    async fn slice(
        conn: &mut AsyncPgConnection,
        ends: fn() -> Result<Vec<Outgoing>, HandleError>,
    ) -> Result<Handled, HandleError> {
        conn.transaction::<Handled, HandleError, _>(async move |conn| {
            let handled = within_savepoint(conn, async move |c| {
                write(c, 1).await?;
                ends()
            })
            .await?;
            write(conn, 2).await?;
            Ok(handled)
        })
        .await
    }

    #[tokio::test]
    async fn a_handler_that_writes_and_then_refuses_leaves_nothing_behind() {
        let (db, mut conn) = Scratch::new("savepoint_reject").await;
        let handled = slice(&mut conn, || Err(HandleError::reject("refused"))).await;
        assert!(matches!(handled, Ok(Handled::Rejected(ref r)) if r == "refused"));
        assert_eq!(
            kept(&mut conn).await,
            vec![2],
            "only the consumer's own write"
        );
        db.drop(conn).await;
    }

    #[tokio::test]
    async fn a_handler_that_applies_keeps_its_writes() {
        let (db, mut conn) = Scratch::new("savepoint_apply").await;
        let handled = slice(&mut conn, || Ok(Vec::new())).await;
        assert!(matches!(handled, Ok(Handled::Applied(ref out)) if out.is_empty()));
        assert_eq!(kept(&mut conn).await, vec![1, 2]);
        db.drop(conn).await;
    }
}
