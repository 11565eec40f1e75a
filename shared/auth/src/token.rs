//! Bearer tokens: HS256 JWTs minted and verified with the configured keys. Expiry is checked
//! against the service's clock (which tests move), not the host's, so a token minted at the
//! platform's "now" stays valid exactly as long as the platform thinks it should.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use returns_clock::Clock;
use returns_settings::ApiSettings;
use serde::{Deserialize, Serialize};

use crate::Role;

/// Seconds of disagreement between clocks tolerated on `exp`.
const LEEWAY_SECONDS: i64 = 30;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub role: Role,
    pub iat: i64,
    pub exp: i64,
}

/// The authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub role: Role,
    pub id: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("no bearer token: send `Authorization: Bearer <token>`")]
    Missing,
    #[error("the bearer token is not a valid signed token of this platform")]
    Invalid,
    #[error("the bearer token has expired")]
    Expired,
}

/// Mints and verifies tokens with the configured keys, reading time from the service's clock.
#[derive(Clone)]
pub struct Tokens {
    issuer: String,
    encoding: EncodingKey,
    decoding: Vec<DecodingKey>,
    ttl: Duration,
    clock: Clock,
}

impl Tokens {
    pub fn new(api: &ApiSettings, clock: Clock) -> Tokens {
        let decoding = std::iter::once(&api.signing_key)
            .chain(api.previous_keys.iter())
            .map(|k| DecodingKey::from_secret(k.as_bytes()))
            .collect();
        Tokens {
            issuer: api.issuer.clone(),
            encoding: EncodingKey::from_secret(api.signing_key.as_bytes()),
            decoding,
            ttl: Duration::minutes(api.token_minutes),
            clock,
        }
    }

    /// A token for `id` in `role`, valid from the clock's now for the configured lifetime.
    pub fn mint(&self, role: Role, id: &str) -> Result<String, AuthError> {
        self.mint_at(role, id, self.clock.now(), self.ttl)
    }

    pub fn mint_at(
        &self,
        role: Role,
        id: &str,
        at: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<String, AuthError> {
        let claims = Claims {
            iss: self.issuer.clone(),
            sub: id.to_owned(),
            role,
            iat: at.timestamp(),
            exp: (at + ttl).timestamp(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| AuthError::Invalid)
    }

    /// The caller a token names, if one of our keys signed it and it has not expired.
    pub fn verify(&self, token: &str) -> Result<Caller, AuthError> {
        // Only HS256: a token claiming another algorithm (or none) is refused outright.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false; // checked below against the service clock
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.set_issuer(&[&self.issuer]);
        let claims = self
            .decoding
            .iter()
            .find_map(|key| jsonwebtoken::decode::<Claims>(token, key, &validation).ok())
            .ok_or(AuthError::Invalid)?
            .claims;
        let now = self.clock.now().timestamp();
        if claims.exp + LEEWAY_SECONDS < now {
            return Err(AuthError::Expired);
        }
        // `iat` is not checked against now: development clocks are shifted, and a token from
        // the future grants nothing its `exp` does not already bound.
        if claims.sub.is_empty() || claims.sub.len() > 64 {
            return Err(AuthError::Invalid);
        }
        Ok(Caller {
            role: claims.role,
            id: claims.sub,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn settings(key: &str) -> ApiSettings {
        ApiSettings {
            signing_key: key.to_owned(),
            ..ApiSettings::default()
        }
    }

    const KEY: &str = "a-test-key-that-is-long-enough-0123456789";
    const OTHER: &str = "another-key-that-is-long-enough-987654321";

    #[test]
    fn a_minted_token_names_its_caller() {
        let t = Tokens::new(&settings(KEY), Clock::system());
        let tok = t.mint(Role::Merchant, "m-1").unwrap();
        assert_eq!(
            t.verify(&tok),
            Ok(Caller {
                role: Role::Merchant,
                id: "m-1".to_owned()
            })
        );
    }

    #[test]
    fn a_token_signed_with_another_key_is_forged() {
        let ours = Tokens::new(&settings(KEY), Clock::system());
        let theirs = Tokens::new(&settings(OTHER), Clock::system());
        let tok = theirs.mint(Role::Operator, "x").unwrap();
        assert_eq!(ours.verify(&tok), Err(AuthError::Invalid));
        assert_eq!(ours.verify("not.a.token"), Err(AuthError::Invalid));
    }

    #[test]
    fn a_tampered_payload_is_forged() {
        let t = Tokens::new(&settings(KEY), Clock::system());
        let tok = t.mint(Role::Buyer, "b-1").unwrap();
        let parts: Vec<&str> = tok.split('.').collect();
        let other = t.mint(Role::Operator, "b-1").unwrap();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            other.split('.').nth(1).unwrap(),
            parts[2]
        );
        assert_eq!(t.verify(&forged), Err(AuthError::Invalid));
    }

    #[test]
    fn expiry_follows_the_service_clock() {
        let clock = Clock::shifted(Duration::zero());
        let t = Tokens::new(&settings(KEY), clock.clone());
        let tok = t.mint(Role::Cs, "agent-1").unwrap();
        assert!(t.verify(&tok).is_ok());
        clock.advance(Duration::minutes(61)).unwrap();
        assert_eq!(t.verify(&tok), Err(AuthError::Expired));
    }

    #[test]
    fn a_previous_key_still_verifies_during_rotation() {
        let old = Tokens::new(&settings(OTHER), Clock::system());
        let tok = old.mint(Role::Courier, "sf").unwrap();
        let rotated = ApiSettings {
            previous_keys: vec![OTHER.to_owned()],
            ..settings(KEY)
        };
        assert!(Tokens::new(&rotated, Clock::system()).verify(&tok).is_ok());
    }
}
