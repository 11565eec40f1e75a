//! A subscriber's endpoint for webhook tests: records each POST (headers and body) and answers
//! with the status the test chose for that attempt.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    /// Listens on a free port; each request is answered `answer(all)`, `all` being every
    /// request so far, this one last (so a test can refuse by attempt or by event).
    pub async fn start(answer: fn(&[Received]) -> u16) -> anyhow::Result<Receiver> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let url = format!("http://{}/hooks", listener.local_addr()?);
        let received = Arc::new(Mutex::new(Vec::new()));
        let r = received.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let r = r.clone();
                tokio::spawn(async move {
                    while let Ok(Some(req)) = read_request(&mut sock).await {
                        let status = {
                            let mut all = r.lock().unwrap_or_else(|p| p.into_inner());
                            all.push(req);
                            answer(&all)
                        };
                        let reply = format!(
                            "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: keep-alive\r\n\r\n"
                        );
                        if sock.write_all(reply.as_bytes()).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        Ok(Receiver { url, received })
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

async fn read_request(sock: &mut tokio::net::TcpStream) -> anyhow::Result<Option<Received>> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = sock.read(&mut tmp).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let headers: HashMap<String, String> = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = sock.read(&mut tmp).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&tmp[..n]);
    }
    body.truncate(len);
    Ok(Some(Received { headers, body }))
}
