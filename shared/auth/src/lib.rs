//! Who is calling. Every public route belongs to one role's front (`/buyer`, `/merchant`,
//! `/courier`, `/cs`, `/operator`); a handler names its role by taking [`As<R>`], which
//! answers 401 for a missing, forged or expired token and 403 for a token of another role.
//! Which objects the caller may reach is the handler's business (object-level checks).

mod extract;
mod role;
mod token;

pub use extract::{As, Buyer, Courier, Cs, Merchant, Operator, RoleOf, caller_of};
pub use role::Role;
pub use token::{AuthError, Caller, Claims, Tokens};
