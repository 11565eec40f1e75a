//! One case at a time for a join of two events that travel on different topics (a contact and
//! its approval, a parcel and its approval): each topic's partition has its own worker, and
//! two replicas read them independently, so without a lock both sides of a join can look for
//! the other, find nothing yet (neither has committed), and both wait forever. A transaction
//! that takes this lock first sees whatever the other side committed before it got the lock.

use diesel::sql_types::BigInt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// Which join the lock is for, so that unrelated joins of one case do not wait on each other.
#[derive(Debug, Clone, Copy)]
pub enum Join {
    /// logistics: `contact.given` and `case.approved`.
    ContactAndApproval,
    /// payment: a parcel and the approval that says what it is paid for.
    ParcelAndApproval,
}

/// Waits for, then holds until the transaction ends, the lock of `join` for `case_id`.
pub async fn lock_case(
    conn: &mut AsyncPgConnection,
    join: Join,
    case_id: Uuid,
) -> diesel::QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<BigInt, _>(key(join, case_id))
        .execute(conn)
        .await?;
    Ok(())
}

/// The lock's 64-bit key: the case id folded, with the join in its low bits.
fn key(join: Join, case_id: Uuid) -> i64 {
    let (hi, lo) = case_id.as_u64_pair();
    let folded = (hi ^ lo) & !0xff;
    (folded | join as u64) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_join_of_a_case_has_its_own_key_and_each_case_its_own() {
        let a = Uuid::now_v7();
        let b = Uuid::now_v7();
        assert_ne!(
            key(Join::ContactAndApproval, a),
            key(Join::ParcelAndApproval, a)
        );
        assert_ne!(
            key(Join::ContactAndApproval, a),
            key(Join::ContactAndApproval, b)
        );
        assert_eq!(
            key(Join::ParcelAndApproval, a),
            key(Join::ParcelAndApproval, a)
        );
    }
}
