//! The HTTP side of `tfvpc serve` and its security model (docs/serve.md): requests read with a
//! bound on every part (request line, headers, body), the `Host` and `Origin` of this server only
//! (no DNS rebinding, no cross-site requests), and a random token that the printed URL carries
//! once and that the browser then holds as an `HttpOnly`, `SameSite=Strict` cookie, required on
//! every request but the exchange itself.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use serde_json::json;

/// The longest request line (method, target, version).
pub(super) const MAX_REQUEST_LINE: usize = 8 * 1024;
/// The most bytes of all header lines together.
pub(super) const MAX_HEADER_BYTES: usize = 16 * 1024;
/// The most header lines.
pub(super) const MAX_HEADER_COUNT: usize = 64;
/// The longest request body (`POST /api/edits`).
pub(super) const MAX_BODY: usize = 64 * 1024;

/// One request, read within the bounds above.
pub(super) struct Request {
    pub method: String,
    pub target: String,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The value of a header (the first of that name), trimmed.
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The value of one cookie of the `Cookie` headers.
    pub(super) fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// The path and the decoded query parameters of the target.
    pub(super) fn path_and_query(&self) -> (&str, Vec<(String, String)>) {
        let (path, query) = self.target.split_once('?').unwrap_or((&self.target, ""));
        (path, parse_query(query))
    }
}

/// Reads one request, or the refusal to send when it breaks a bound or is not HTTP.
pub(super) fn read_request(stream: &TcpStream) -> Result<Request, Response> {
    let mut reader = BufReader::new(stream);
    let line = match read_line(&mut reader, MAX_REQUEST_LINE) {
        Line::Text(l) => l,
        Line::TooLong => return Err(Response::error(414, "the request line is longer than 8 KiB")),
        Line::End => return Err(Response::error(400, "no request")),
    };
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Response::error(400, "not an HTTP request line"));
    };
    if !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return Err(Response::error(400, "HTTP/1.x with an absolute path only"));
    }
    let mut headers = Vec::new();
    let mut header_bytes = 0usize;
    loop {
        let header = match read_line(&mut reader, MAX_HEADER_BYTES - header_bytes.min(MAX_HEADER_BYTES)) {
            Line::Text(h) => h,
            Line::TooLong => return Err(Response::error(431, "the headers are longer than 16 KiB")),
            Line::End => return Err(Response::error(400, "the headers do not end")),
        };
        header_bytes += header.len() + 2;
        if header.is_empty() {
            break;
        }
        if headers.len() >= MAX_HEADER_COUNT {
            return Err(Response::error(431, "more than 64 headers"));
        }
        let Some((name, value)) = header.split_once(':') else {
            return Err(Response::error(400, "a header line without a colon"));
        };
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let mut request = Request { method: method.to_string(), target: target.to_string(), headers, body: Vec::new() };
    if request.header("transfer-encoding").is_some() {
        return Err(Response::error(501, "chunked bodies are not accepted: send Content-Length"));
    }
    let length = match request.header("content-length") {
        None => 0,
        Some(v) => match v.parse::<usize>() {
            Ok(n) => n,
            Err(_) => return Err(Response::error(400, "Content-Length is not a number")),
        },
    };
    if length > MAX_BODY {
        return Err(Response::error(413, "the body is longer than 64 KiB"));
    }
    if request.method == "POST" && request.header("content-length").is_none() {
        return Err(Response::error(411, "a POST needs Content-Length"));
    }
    if length > 0 && request.header("expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue")) {
        // curl asks before sending a body over 1 KiB; the size is already checked.
        let mut w = stream;
        let _ = w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    request.body = vec![0; length];
    if reader.read_exact(&mut request.body).is_err() {
        return Err(Response::error(400, "the body is shorter than its Content-Length"));
    }
    Ok(request)
}

enum Line {
    Text(String),
    TooLong,
    End,
}

/// One CRLF- (or LF-) terminated line of at most `limit` bytes, without the line end.
fn read_line(reader: &mut BufReader<&TcpStream>, limit: usize) -> Line {
    let mut buf = Vec::new();
    let Ok(n) = reader.by_ref().take(limit as u64 + 2).read_until(b'\n', &mut buf) else { return Line::End };
    if n == 0 {
        return Line::End;
    }
    if buf.last() != Some(&b'\n') {
        return if n as u64 >= limit as u64 + 2 { Line::TooLong } else { Line::End };
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    if buf.len() > limit {
        return Line::TooLong;
    }
    match String::from_utf8(buf) {
        Ok(s) => Line::Text(s),
        Err(_) => Line::End,
    }
}

/// What the server checks before it answers anything: the `Host` is this server's own, an
/// `Origin` (sent by browsers on scripted and cross-site requests) is this server's own, the
/// browser does not say the request comes from another site, and (but for the token exchange)
/// the token cookie is there.
pub(super) struct Gate {
    pub port: u16,
    pub token: String,
}

/// What the gate decides.
pub(super) enum Admit {
    /// Serve it.
    Yes,
    /// The token exchange: set the cookie and send the browser to the page.
    Exchange,
    /// Refused with this answer.
    No(Response),
}

impl Gate {
    /// The URL that `tfvpc serve` prints (the only place the token is shown).
    pub(super) fn url(&self) -> String {
        format!("http://127.0.0.1:{}/?token={}", self.port, self.token)
    }

    /// The cookie's name: one per port, so two servers on one machine do not log each other out.
    pub(super) fn cookie_name(&self) -> String {
        format!("tfvpc_token_{}", self.port)
    }

    fn own_hosts(&self) -> [String; 2] {
        [format!("127.0.0.1:{}", self.port), format!("localhost:{}", self.port)]
    }

    pub(super) fn admit(&self, req: &Request) -> Admit {
        let hosts = self.own_hosts();
        match req.header("host") {
            Some(h) if hosts.iter().any(|o| o.eq_ignore_ascii_case(h)) => {}
            _ => {
                return Admit::No(Response::error(
                    403,
                    &format!("this server answers only Host {} or {}", hosts[0], hosts[1]),
                ));
            }
        }
        if let Some(origin) = req.header("origin")
            && !hosts.iter().any(|h| origin.eq_ignore_ascii_case(&format!("http://{h}")))
        {
            return Admit::No(Response::error(403, "requests from another origin are refused"));
        }
        if req.header("sec-fetch-site") == Some("cross-site") {
            return Admit::No(Response::error(403, "requests from another site are refused"));
        }
        let (path, query) = req.path_and_query();
        if path == "/"
            && let Some((_, given)) = query.iter().find(|(k, _)| k == "token")
        {
            return if same(given, &self.token) {
                Admit::Exchange
            } else {
                Admit::No(Response::error(403, "wrong token: open the URL tfvpc serve printed"))
            };
        }
        match req.cookie(&self.cookie_name()) {
            Some(t) if same(t, &self.token) => Admit::Yes,
            _ => Admit::No(Response::error(
                401,
                "no token: open the URL tfvpc serve printed (it carries the token once; the browser then keeps it)",
            )),
        }
    }

    /// The answer to the token exchange: the cookie, and the page without the token in its URL.
    pub(super) fn exchange(&self) -> Response {
        let mut r = Response::text(303, "text/plain; charset=utf-8", "to the page\n");
        r.headers.push(("Location", "/".to_string()));
        r.headers
            .push(("Set-Cookie", format!("{}={}; Path=/; HttpOnly; SameSite=Strict", self.cookie_name(), self.token)));
        r
    }
}

/// Compares the whole of two tokens (no early exit on the first difference).
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fresh token: 128 bits from the operating system.
pub(super) fn random_token() -> String {
    let mut bytes = [0u8; 16];
    let from_os = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)).is_ok();
    if !from_os {
        // std seeds each `RandomState` from the operating system's random source.
        use std::hash::{BuildHasher, Hasher};
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(now);
            h.write_u32(std::process::id());
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One answer.
pub(super) struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Response {
    pub(super) fn text(status: u16, content_type: &'static str, body: impl Into<String>) -> Self {
        Response { status, content_type, headers: Vec::new(), body: body.into() }
    }

    pub(super) fn ok(content_type: &'static str, body: impl Into<String>) -> Self {
        Self::text(200, content_type, body)
    }

    pub(super) fn json(status: u16, value: &serde_json::Value) -> Self {
        Self::text(status, "application/json", value.to_string())
    }

    pub(super) fn error(status: u16, message: &str) -> Self {
        Self::json(status, &json!({"error": message}))
    }
}

/// Writes the answer (headers only for `HEAD`) and closes the connection.
pub(super) fn write_response(mut stream: &TcpStream, r: &Response, head_only: bool) {
    let reason = match r.status {
        200 => "OK",
        303 => "See Other",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        _ => "Error",
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n\
         Cross-Origin-Resource-Policy: same-origin\r\n\
         Content-Security-Policy: default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'\r\n",
        r.status,
        r.content_type,
        r.body.len()
    );
    for (name, value) in &r.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    let _ = stream.write_all(head.as_bytes());
    if !head_only {
        let _ = stream.write_all(r.body.as_bytes());
    }
    let _ = stream.flush();
}

/// `a=1&b=x%20y` → pairs, percent- and `+`-decoded.
pub(super) fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_decode_percent_and_plus() {
        assert_eq!(
            parse_query("from=aws_instance.web&to=aws_subnet.a%5B%22x%22%5D&p=a+b&bad=%zz&end=%4"),
            vec![
                ("from".to_string(), "aws_instance.web".to_string()),
                ("to".to_string(), "aws_subnet.a[\"x\"]".to_string()),
                ("p".to_string(), "a b".to_string()),
                ("bad".to_string(), "%zz".to_string()),
                ("end".to_string(), "%4".to_string()),
            ]
        );
    }

    fn request(headers: &[(&str, &str)], target: &str) -> Request {
        Request {
            method: "GET".into(),
            target: target.into(),
            headers: headers.iter().map(|(n, v)| ((*n).to_string(), (*v).to_string())).collect(),
            body: Vec::new(),
        }
    }

    #[test]
    fn the_gate_wants_this_host_this_origin_and_the_token() {
        let gate = Gate { port: 7878, token: "abc123".into() };
        let ok = |h: &[(&str, &str)], t: &str| matches!(gate.admit(&request(h, t)), Admit::Yes);
        let status = |h: &[(&str, &str)], t: &str| match gate.admit(&request(h, t)) {
            Admit::No(r) => r.status,
            Admit::Yes => 200,
            Admit::Exchange => 303,
        };
        let cookie = ("Cookie", "other=1; tfvpc_token_7878=abc123");
        assert!(ok(&[("Host", "127.0.0.1:7878"), cookie], "/api/findings"));
        assert!(ok(&[("Host", "localhost:7878"), cookie, ("Origin", "http://localhost:7878")], "/"));
        assert_eq!(status(&[("Host", "evil.example:7878"), cookie], "/"), 403);
        assert_eq!(status(&[("Host", "127.0.0.1:80"), cookie], "/"), 403);
        assert_eq!(status(&[cookie], "/"), 403, "no Host");
        assert_eq!(status(&[("Host", "127.0.0.1:7878"), cookie, ("Origin", "http://evil.example")], "/"), 403);
        assert_eq!(status(&[("Host", "127.0.0.1:7878"), cookie, ("Origin", "null")], "/"), 403);
        assert_eq!(status(&[("Host", "127.0.0.1:7878"), cookie, ("Sec-Fetch-Site", "cross-site")], "/"), 403);
        assert_eq!(status(&[("Host", "127.0.0.1:7878")], "/api/findings"), 401);
        assert_eq!(status(&[("Host", "127.0.0.1:7878"), ("Cookie", "tfvpc_token_7878=abc124")], "/app.js"), 401);
        assert_eq!(status(&[("Host", "127.0.0.1:7878"), ("Cookie", "tfvpc_token_7879=abc123")], "/app.js"), 401);
        assert_eq!(status(&[("Host", "127.0.0.1:7878")], "/?token=abc123"), 303);
        assert_eq!(status(&[("Host", "127.0.0.1:7878")], "/?token=abc12"), 403);
        assert_eq!(status(&[("Host", "127.0.0.1:7878")], "/api/findings?token=abc123"), 401, "exchange on / only");
    }

    #[test]
    fn tokens_are_fresh_and_long() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
