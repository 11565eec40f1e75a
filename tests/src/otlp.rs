//! A minimal OTLP/HTTP (JSON) trace receiver: the services export to it, tests read the spans.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One received span.
#[derive(Debug, Clone)]
pub struct Span {
    pub service: String,
    pub name: String,
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: String,
    pub start_ns: u128,
    pub end_ns: u128,
    pub attributes: Vec<(String, String)>,
}

impl Span {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Clone, Default)]
pub struct Collector {
    spans: Arc<Mutex<Vec<Span>>>,
}

impl Collector {
    /// Listens on 127.0.0.1:`port` until the runtime ends.
    pub async fn start(port: u16) -> anyhow::Result<Collector> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let collector = Collector::default();
        let c = collector.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let c = c.clone();
                tokio::spawn(async move {
                    let _ = c.serve(sock).await;
                });
            }
        });
        Ok(collector)
    }

    pub fn spans(&self) -> Vec<Span> {
        self.spans.lock().map(|s| s.clone()).unwrap_or_default()
    }

    async fn serve(&self, mut sock: tokio::net::TcpStream) -> anyhow::Result<()> {
        loop {
            let mut buf = Vec::new();
            let mut tmp = [0u8; 8192];
            let header_end = loop {
                let n = sock.read(&mut tmp).await?;
                if n == 0 {
                    return Ok(());
                }
                buf.extend_from_slice(&tmp[..n]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break i + 4;
                }
            };
            let head = String::from_utf8_lossy(&buf[..header_end]).to_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < header_end + len {
                let n = sock.read(&mut tmp).await?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&tmp[..n]);
            }
            let body = &buf[header_end..(header_end + len).min(buf.len())];
            if let Ok(v) = serde_json::from_slice::<Value>(body) {
                self.ingest(&v);
            }
            sock.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}",
            )
            .await?;
        }
    }

    fn ingest(&self, v: &Value) {
        let mut new = Vec::new();
        for rs in v["resourceSpans"].as_array().into_iter().flatten() {
            let service = attrs(&rs["resource"]["attributes"])
                .into_iter()
                .find(|(k, _)| k == "service.name")
                .map(|(_, v)| v)
                .unwrap_or_default();
            for ss in rs["scopeSpans"].as_array().into_iter().flatten() {
                for s in ss["spans"].as_array().into_iter().flatten() {
                    new.push(Span {
                        service: service.clone(),
                        name: s["name"].as_str().unwrap_or_default().to_owned(),
                        trace_id: s["traceId"].as_str().unwrap_or_default().to_owned(),
                        span_id: s["spanId"].as_str().unwrap_or_default().to_owned(),
                        parent_span_id: s["parentSpanId"].as_str().unwrap_or_default().to_owned(),
                        start_ns: nanos(&s["startTimeUnixNano"]),
                        end_ns: nanos(&s["endTimeUnixNano"]),
                        attributes: attrs(&s["attributes"]),
                    });
                }
            }
        }
        if let Ok(mut spans) = self.spans.lock() {
            spans.extend(new);
        }
    }
}

fn nanos(v: &Value) -> u128 {
    match v {
        Value::String(t) => t.parse().unwrap_or(0),
        Value::Number(n) => n.as_u64().map(u128::from).unwrap_or(0),
        _ => 0,
    }
}

/// The spans of `trace_id` as an indented tree, children in start order.
pub fn render_tree(spans: &[Span], trace_id: &str) -> String {
    let mine: Vec<&Span> = spans.iter().filter(|s| s.trace_id == trace_id).collect();
    let ids: std::collections::HashSet<&str> = mine.iter().map(|s| s.span_id.as_str()).collect();
    let mut out = String::new();
    fn walk(out: &mut String, all: &[&Span], parent: &str, depth: usize) {
        let mut kids: Vec<&&Span> = all.iter().filter(|s| s.parent_span_id == parent).collect();
        kids.sort_by_key(|s| s.start_ns);
        for k in kids {
            let ms = k.end_ns.saturating_sub(k.start_ns) as f64 / 1e6;
            out.push_str(&format!(
                "{}{:<10} {} ({ms:.2} ms)\n",
                "  ".repeat(depth),
                k.service,
                k.name
            ));
            walk(out, all, &k.span_id, depth + 1);
        }
    }
    // Roots: spans whose parent is not in this trace's collected spans.
    let roots: Vec<&Span> = mine
        .iter()
        .copied()
        .filter(|s| !ids.contains(s.parent_span_id.as_str()))
        .collect();
    for r in roots {
        let ms = r.end_ns.saturating_sub(r.start_ns) as f64 / 1e6;
        out.push_str(&format!("{:<10} {} ({ms:.2} ms)\n", r.service, r.name));
        walk(&mut out, &mine, &r.span_id, 1);
    }
    out
}

fn attrs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            let val = &a["value"];
            let s = val["stringValue"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| val["intValue"].as_str().map(str::to_owned))
                .or_else(|| val["intValue"].as_i64().map(|i| i.to_string()))
                .or_else(|| val["boolValue"].as_bool().map(|b| b.to_string()))
                .unwrap_or_default();
            (a["key"].as_str().unwrap_or_default().to_owned(), s)
        })
        .collect()
}
