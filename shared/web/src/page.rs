//! Pagination: every list route returns at most `api.max_page` items a page.

use crate::Problem;

/// One page of a list, oldest or newest first as the route says, and where the next begins.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The `after` of the next page; none on the last page.
    pub next: Option<uuid::Uuid>,
}

impl<T> Page<T> {
    /// A page of at most `limit` items, pointing at the next when it came back full.
    pub fn of(items: Vec<T>, limit: i64, key: impl Fn(&T) -> uuid::Uuid) -> Self {
        let next = next_cursor(&items, limit, key);
        Self { items, next }
    }
}

/// The page size a caller asked for (`limit`), or the maximum when it asked for none.
pub fn page_size(asked: Option<i64>, max: i64) -> Result<i64, Problem> {
    match asked {
        None => Ok(max),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(_) => Err(Problem::invalid(
            "limit",
            format!("a page holds 1 to {max} items"),
        )),
    }
}

/// The cursor of the next page: the last item's key when the page came back full, else none.
pub fn next_cursor<T, K>(items: &[T], limit: i64, key: impl Fn(&T) -> K) -> Option<K> {
    (items.len() as i64 == limit)
        .then(|| items.last().map(key))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_capped() {
        assert_eq!(page_size(None, 100).ok(), Some(100));
        assert_eq!(page_size(Some(5), 100).ok(), Some(5));
        assert!(page_size(Some(101), 100).is_err());
        assert!(page_size(Some(0), 100).is_err());
    }

    #[test]
    fn a_full_page_points_at_the_next() {
        assert_eq!(next_cursor(&[1, 2], 2, |x| *x), Some(2));
        assert_eq!(next_cursor(&[1], 2, |x| *x), None);
        assert_eq!(next_cursor::<i32, i32>(&[], 2, |x| *x), None);
    }
}
