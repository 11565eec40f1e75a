//! `As<Buyer>`, `As<Merchant>`, ...: the extractor that makes a handler part of one role's front.

use std::future::{Ready, ready};
use std::marker::PhantomData;

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use returns_web::Problem;

use crate::{AuthError, Caller, Role, Tokens};

pub trait RoleOf {
    const ROLE: Role;
}

macro_rules! roles {
    ($($name:ident => $role:ident),*) => {$(
        #[derive(Debug)]
        pub struct $name;
        impl RoleOf for $name {
            const ROLE: Role = Role::$role;
        }
    )*};
}

roles!(Buyer => Buyer, Merchant => Merchant, Courier => Courier, Cs => Cs, Operator => Operator);

/// The caller, proven to hold role `R`. `id` is the buyer, shop, courier company or agent.
#[derive(Debug)]
pub struct As<R> {
    pub id: String,
    _role: PhantomData<R>,
}

impl<R> As<R> {
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl<R: RoleOf> FromRequest for As<R> {
    type Error = Problem;
    type Future = Ready<Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authorise::<R>(req))
    }
}

fn authorise<R: RoleOf>(req: &HttpRequest) -> Result<As<R>, Problem> {
    let tokens = req
        .app_data::<web::Data<Tokens>>()
        .ok_or_else(|| Problem::unavailable("authentication is not configured"))?;
    let caller = caller_of(req, tokens).map_err(unauthenticated)?;
    if caller.role != R::ROLE {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "wrong-role",
            "Route of another role",
            format!(
                "this route is for the {} role; the token is for {}",
                R::ROLE,
                caller.role
            ),
        ));
    }
    Ok(As {
        id: caller.id,
        _role: PhantomData,
    })
}

/// The verified caller of a request, for code outside handlers (rate limits, idempotency).
pub fn caller_of(req: &HttpRequest, tokens: &Tokens) -> Result<Caller, AuthError> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or(AuthError::Missing)?;
    let token = header
        .to_str()
        .ok()
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or(AuthError::Missing)?;
    tokens.verify(token.trim())
}

fn unauthenticated(e: AuthError) -> Problem {
    let kind = match e {
        AuthError::Missing => "unauthenticated",
        AuthError::Invalid => "invalid-token",
        AuthError::Expired => "expired-token",
    };
    Problem::new(
        StatusCode::UNAUTHORIZED,
        kind,
        "Not authenticated",
        e.to_string(),
    )
    .with_header("WWW-Authenticate", "Bearer")
}
