//! Calling the platform's public API as someone: every request carries a bearer token of one
//! role, minted at the platform's "now" with the development key, as `just token` does.

use reqwest::Method;
use returns_auth::{Role, Tokens};
use serde_json::Value;

/// Mints development tokens the way `just token ROLE ID` does.
pub fn tokens(settings: &returns_settings::Settings) -> Tokens {
    Tokens::new(&settings.api, returns_clock::Clock::system())
}

/// A caller: a role and its id, with a client and the services' addresses.
pub struct Api<'a> {
    pub(crate) stack: &'a crate::Stack,
    pub role: Role,
    pub id: String,
}

impl Api<'_> {
    pub fn token(&self) -> String {
        self.stack.token(self.role, &self.id)
    }

    pub async fn send(
        &self,
        method: Method,
        svc: &str,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<(u16, Value)> {
        let mut req = self
            .stack
            .client
            .request(method, format!("{}{path}", self.stack.url(svc)))
            .bearer_auth(self.token());
        if let Some(b) = body {
            req = req.json(b);
        }
        let r = req.send().await?;
        let status = r.status().as_u16();
        Ok((status, r.json().await.unwrap_or(Value::Null)))
    }

    pub async fn get(&self, svc: &str, path: &str) -> anyhow::Result<(u16, Value)> {
        self.send(Method::GET, svc, path, None).await
    }

    pub async fn post(&self, svc: &str, path: &str, body: &Value) -> anyhow::Result<(u16, Value)> {
        self.send(Method::POST, svc, path, Some(body)).await
    }

    pub async fn put(&self, svc: &str, path: &str, body: &Value) -> anyhow::Result<(u16, Value)> {
        self.send(Method::PUT, svc, path, Some(body)).await
    }
}

/// The customer-service agent and the operator the harness acts as.
pub const AGENT: &str = "cs-1";
pub const OPERATOR: &str = "ops-1";
