//! `tfvpc serve`: the real binary on a free port, asked over HTTP as the page asks it, then the
//! page itself in headless Chromium (Debian's `chromium`): the picture drawn, findings pinned on
//! it, a packet sent from the URL, its hops lit and logged. Screenshots land in
//! `target/screenshots/` for a person to look at.
//!
//! The browser test needs `/usr/bin/chromium` (`.ci/run` installs it); without it the test says
//! so and passes, unless `TFVPC_BROWSER=require` (set by `.ci/run` once Chromium is installed).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod common;

#[expect(dead_code, reason = "the test uses only part of the generator")]
#[path = "../examples/tfvpc-gen/synth/mod.rs"]
mod synth;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Server {
    child: Child,
    port: u16,
    /// The token of the printed URL.
    token: String,
}

impl Server {
    /// The URL the server printed, which carries the token once.
    fn url(&self, fragment: &str) -> String {
        format!("http://127.0.0.1:{}/?token={}{fragment}", self.port, self.token)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(input: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tfvpc"))
        .current_dir(common::root())
        .args(["serve", input, "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port = line.rsplit("127.0.0.1:").next().and_then(|r| r.split('/').next()).and_then(|p| p.parse().ok());
    let port = port.unwrap_or_else(|| panic!("no URL in {line:?}"));
    let token = line.split("?token=").nth(1).and_then(|t| t.split_whitespace().next()).unwrap_or_default();
    assert!(line.contains(&format!("http://127.0.0.1:{port}/?token=")) && token.len() == 32, "{line}");
    Server { child, port, token: token.to_string() }
}

/// What came back: status, headers (lower-case names), body.
struct Answer {
    status: u16,
    head: String,
    body: String,
}

/// Sends raw bytes, reads the whole answer.
fn raw(port: u16, request: &[u8]) -> Answer {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    // The server may close before reading all of an oversize request.
    let _ = s.write_all(request);
    let mut text = Vec::new();
    let _ = s.read_to_end(&mut text);
    let text = String::from_utf8_lossy(&text).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Answer { status, head: head.to_ascii_lowercase(), body: body.to_string() }
}

/// A request as the page's browser sends it: this server's Host and the token cookie, plus
/// `extra` header lines.
fn request(server: &Server, method: &str, path: &str, extra: &str, body: &str) -> Answer {
    let port = server.port;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: tfvpc_token_{port}={}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
        server.token,
        body.len()
    );
    raw(port, format!("{head}{body}").as_bytes())
}

/// `(status, body)` of a GET with the given Host header and the token cookie.
fn get_as(server: &Server, path: &str, host: &str) -> (u16, String) {
    let port = server.port;
    let a = raw(
        port,
        format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: tfvpc_token_{port}={}\r\nConnection: close\r\n\r\n",
            server.token
        )
        .as_bytes(),
    );
    (a.status, a.body)
}

fn get(server: &Server, path: &str) -> (u16, serde_json::Value) {
    let (status, body) = get_as(server, path, &format!("127.0.0.1:{}", server.port));
    (status, serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body)))
}

#[test]
fn the_api_answers_what_the_page_asks() {
    let server = start("testdata/plans/basic-vpc/plan.json");
    let port = server.port;
    let s = &server;
    // The page and its assets are inside the binary.
    let (status, page) = get_as(s, "/", &format!("localhost:{port}"));
    assert_eq!(status, 200);
    assert!(page.contains("<script src=\"/app.js\">") && !page.contains("http"), "no CDN: {page}");
    assert_eq!(get_as(s, "/app.js", &format!("127.0.0.1:{port}")).0, 200);
    assert_eq!(get_as(s, "/app.css", &format!("127.0.0.1:{port}")).0, 200);
    // The picture: SVG plus its model.
    let (status, pic) = get(s, "/api/picture");
    assert_eq!(status, 200);
    assert!(pic["svg"].as_str().unwrap().contains("data-address=\"aws_subnet.private[0]\""));
    assert_eq!(pic["vpcs"], serde_json::json!(["aws_vpc.main"]));
    assert!(pic["picture"]["anchors"]["aws_security_group.app"].as_array().is_some());
    // The findings: the lint JSON report, same as the CLI's.
    let (status, findings) = get(s, "/api/findings");
    assert_eq!(status, 200);
    assert_eq!(findings["version"], 2);
    let cli = Command::new(env!("CARGO_BIN_EXE_tfvpc"))
        .current_dir(common::root())
        .args(["lint", "--format", "json", "testdata/plans/basic-vpc/plan.json"])
        .output()
        .unwrap();
    let cli: serde_json::Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(findings["findings"], cli["findings"]);
    // A packet: the trace JSON contract, with the bill at the GB the page asks.
    let (status, t) = get(s, "/api/trace?from=aws_instance.app&to=internet&protocol=tcp&port=443&gb=100");
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["version"], 1);
    assert_eq!(t["verdict"], "reachable");
    assert!(t["bill"]["usd_per_month"].as_f64().unwrap() > 0.0, "{}", t["bill"]);
    // The page's packets are `tfvpc trace`'s, to the byte.
    for q in [
        ["aws_instance.app", "internet", "tcp", "443"],
        ["aws_instance.web", "aws_instance.app", "tcp", "8080"],
        ["internet", "aws_instance.web", "tcp", "443"],
        ["aws_instance.app", "aws_instance.web", "udp", "53"],
    ] {
        let api = get_as(
            s,
            &format!("/api/trace?from={}&to={}&protocol={}&port={}", q[0], q[1], q[2], q[3]),
            &format!("127.0.0.1:{port}"),
        )
        .1;
        let cli = Command::new(env!("CARGO_BIN_EXE_tfvpc"))
            .current_dir(common::root())
            .args([
                "trace",
                "testdata/plans/basic-vpc/plan.json",
                "--format",
                "json",
                "--from",
                q[0],
                "--to",
                q[1],
                "--protocol",
                q[2],
                "--port",
                q[3],
            ])
            .output()
            .unwrap();
        assert_eq!(api.trim_end(), String::from_utf8(cli.stdout).unwrap().trim_end(), "{q:?}");
    }
    // Bad packets are explained, not crashes.
    let (status, e) = get(s, "/api/trace?from=aws_instance.wbe&to=internet&protocol=tcp&port=443");
    assert_eq!(status, 400);
    assert!(e["help"].as_str().unwrap().contains("aws_instance.web"), "{e}");
    let (status, e) = get(s, "/api/trace?from=aws_instance.web&to=internet&protocol=tcp");
    assert_eq!(status, 400);
    assert!(e["error"].as_str().unwrap().contains("needs --port"), "{e}");
    assert_eq!(get(s, "/nope").0, 404);
    // Another site's page cannot read the network (DNS rebinding).
    assert_eq!(get_as(s, "/api/findings", "attacker.example").0, 403);
}

#[test]
fn crafted_requests_are_refused() {
    let server = start("testdata/plans/basic-vpc/plan.json");
    let port = server.port;
    let host = format!("Host: 127.0.0.1:{port}\r\n");
    let plain = |path: &str, extra: &str| raw(port, format!("GET {path} HTTP/1.1\r\n{host}{extra}\r\n").as_bytes());
    // No token: nothing but the refusal, for the API and for the page's assets alike.
    for path in ["/", "/app.js", "/app.css", "/api/picture", "/api/findings", "/api/trace?from=a&to=b", "/api/edits"] {
        let a = plain(path, "");
        assert_eq!(a.status, 401, "{path}: {}", a.body);
        assert!(!a.body.contains("aws_"), "{path} leaks: {}", a.body);
    }
    // A wrong token, in the cookie or in the exchange; the cookie of another port's server.
    assert_eq!(
        plain("/api/findings", &format!("Cookie: tfvpc_token_{port}=0123456789abcdef0123456789abcdef\r\n")).status,
        401
    );
    assert_eq!(plain("/api/findings", &format!("Cookie: tfvpc_token_{}={}\r\n", port + 1, server.token)).status, 401);
    assert_eq!(plain("/?token=0123456789abcdef0123456789abcdef", "").status, 403);
    assert_eq!(plain(&format!("/api/findings?token={}", server.token), "").status, 401, "the token goes in the cookie");
    // The exchange: the printed URL sets an HttpOnly, SameSite=Strict cookie and drops the token.
    let a = plain(&format!("/?token={}", server.token), "");
    assert_eq!(a.status, 303);
    assert!(a.head.contains("\r\nlocation: /\r\n"), "{}", a.head);
    let cookie = format!("set-cookie: tfvpc_token_{port}={}; path=/; httponly; samesite=strict", server.token);
    assert!(a.head.contains(&cookie), "{}", a.head);
    // With the cookie: the page, with its security headers.
    let ok = request(&server, "GET", "/", "", "");
    assert_eq!(ok.status, 200);
    for h in ["content-security-policy: default-src 'self'", "x-frame-options: deny", "referrer-policy: no-referrer"] {
        assert!(ok.head.contains(h), "{h}: {}", ok.head);
    }
    // HEAD: the headers, no body.
    let head = request(&server, "HEAD", "/api/findings", "", "");
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    // Foreign Host (DNS rebinding) and foreign Origin, even with the right cookie.
    let cookie = format!("Cookie: tfvpc_token_{port}={}\r\n", server.token);
    let rebound =
        raw(port, format!("GET /api/findings HTTP/1.1\r\nHost: evil.example:{port}\r\n{cookie}\r\n").as_bytes());
    assert_eq!(rebound.status, 403);
    assert_eq!(raw(port, format!("GET /api/findings HTTP/1.1\r\n{cookie}\r\n").as_bytes()).status, 403, "no Host");
    for origin in
        ["http://evil.example", "null", &format!("http://127.0.0.1:{}", port + 1), &format!("https://127.0.0.1:{port}")]
    {
        let a = request(&server, "GET", "/api/findings", &format!("Origin: {origin}\r\n"), "");
        assert_eq!(a.status, 403, "{origin}");
    }
    assert_eq!(
        request(&server, "GET", "/api/findings", &format!("Origin: http://localhost:{port}\r\n"), "").status,
        200
    );
    assert_eq!(request(&server, "GET", "/api/findings", "Sec-Fetch-Site: cross-site\r\n", "").status, 403);
    // Bounded sizes: request line, headers, body; no chunked bodies; POST needs a length.
    let long = "a".repeat(9 * 1024);
    assert_eq!(plain(&format!("/{long}"), &cookie).status, 414);
    let many: String = (0..80).map(|i| format!("X-{i}: 1\r\n")).collect();
    assert_eq!(plain("/", &format!("{cookie}{many}")).status, 431);
    let big = format!("X-Big: {}\r\n", "b".repeat(17 * 1024));
    assert_eq!(plain("/", &format!("{cookie}{big}")).status, 431);
    let body = format!("{{\"version\":1,\"edits\":[],\"pad\":\"{}\"}}", "x".repeat(70 * 1024));
    assert_eq!(request(&server, "POST", "/api/edits", "Content-Type: application/json\r\n", &body).status, 413);
    let chunked = raw(
        port,
        format!("POST /api/edits HTTP/1.1\r\n{host}{cookie}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n").as_bytes(),
    );
    assert_eq!(chunked.status, 501);
    let no_length = raw(port, format!("POST /api/edits HTTP/1.1\r\n{host}{cookie}\r\n").as_bytes());
    assert_eq!(no_length.status, 411);
    // Not HTTP at all, and methods the server has no use for.
    assert_eq!(raw(port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\r\n\r\n").status, 400);
    assert_eq!(request(&server, "DELETE", "/api/findings", "", "").status, 405);
    assert_eq!(request(&server, "POST", "/api/findings", "", "").status, 405);
    // No endpoint reads files: a path that names one is just not a page.
    assert_eq!(request(&server, "GET", "/../../etc/passwd", "", "").status, 404);
    assert_eq!(request(&server, "GET", "/testdata/plans/basic-vpc/plan.json", "", "").status, 404);
    // The server still answers after all that.
    assert_eq!(get(&server, "/api/findings").0, 200);
}

#[test]
fn a_vpc_filter_and_a_missing_vpc() {
    let server = start("testdata/plans/families-peering-tgw/plan.json");
    let (_, all) = get(&server, "/api/picture");
    let first = all["vpcs"][0].as_str().unwrap().to_string();
    let (status, one) = get(&server, &format!("/api/picture?vpc={first}"));
    assert_eq!(status, 200);
    assert!(one["svg"].as_str().unwrap().contains(&format!("data-address=\"{first}\"")));
    let (_, none) = get(&server, "/api/picture?vpc=aws_vpc.nope");
    assert!(none["svg"].as_str().unwrap().contains("no VPC"));
}

fn chromium() -> Option<&'static str> {
    let path = "/usr/bin/chromium";
    if std::path::Path::new(path).exists() {
        return Some(path);
    }
    assert!(
        std::env::var("TFVPC_BROWSER").as_deref() != Ok("require"),
        "TFVPC_BROWSER=require but {path} is missing (apt-get install chromium)"
    );
    eprintln!("skipping the browser test: {path} is missing (apt-get install chromium)");
    None
}

/// Runs headless Chromium on `url`: the DOM after the page's scripts ran, and a screenshot.
fn browse(chrome: &str, url: &str, shot: &std::path::Path) -> String {
    // One profile per run: Chromium refuses a profile another instance holds (tests run in parallel).
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let profile = std::env::temp_dir().join(format!("tfvpc-chromium-{}-{run}", std::process::id()));
    let common_flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--virtual-time-budget=8000",
        "--window-size=1500,900",
    ];
    let profile_flag = format!("--user-data-dir={}", profile.display());
    let dom = Command::new(chrome).args(common_flags).arg(&profile_flag).arg("--dump-dom").arg(url).output().unwrap();
    let shot_flag = format!("--screenshot={}", shot.display());
    let status = Command::new(chrome).args(common_flags).arg(&profile_flag).arg(shot_flag).arg(url).output().unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let _ = std::fs::remove_dir_all(profile);
    String::from_utf8(dom.stdout).unwrap()
}

#[test]
fn the_page_in_a_real_browser_draws_pins_and_traces() {
    let Some(chrome) = chromium() else { return };
    let shots = common::root().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    // A NACL that drops app -> db: the finding is pinned on the db subnet, the trace lights it red.
    let server = start("testdata/rules/unreachable-path/fail_doc_example/plan.json");
    let url = server.url("#from=aws_instance.app&to=aws_instance.db&protocol=tcp&port=5432&fast=1");
    let dom = browse(chrome, &url, &shots.join("serve-unreachable.png"));
    assert!(dom.contains("data-ready=\"1\""), "the page did not finish loading:\n{dom}");
    assert!(dom.contains("data-traced=\"unreachable\""), "{dom}");
    assert!(dom.contains("class=\"badge sev-error\""), "the finding is not pinned:\n{dom}");
    assert!(dom.contains("data-address=\"aws_subnet.db\"") && dom.contains("hop-deny"), "{dom}");
    assert!(dom.contains("nacl-ingress") && dom.contains("rule 90 deny tcp 5432"), "the trace log: {dom}");
    assert!(dom.contains("Findings (1)"), "{dom}");
    assert!(std::fs::metadata(shots.join("serve-unreachable.png")).unwrap().len() > 10_000);
    // A reachable path with a bill: NAT processing at 100 GB a month.
    let server = start("testdata/plans/basic-vpc/plan.json");
    let url = server.url("#from=aws_instance.app&to=internet&protocol=tcp&port=443&gb=100&fast=1");
    let dom = browse(chrome, &url, &shots.join("serve-reachable.png"));
    assert!(dom.contains("data-traced=\"reachable\""), "{dom}");
    assert!(dom.contains("Bill of this path") && dom.contains("per month at 100 GB"), "{dom}");
    assert!(dom.contains("return leg"), "{dom}");
}

#[test]
fn graph_svg_draws_the_same_picture_and_rejects_an_unknown_vpc() {
    let r = common::run(&["graph", "--format", "svg", &common::path("testdata/plans/basic-vpc/plan.json")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("<svg ") && r.stdout.contains("data-address=\"aws_subnet.public[0]\""));
    assert!(r.stdout.contains("tier-public") && r.stdout.contains("tier-private"));
    let r = common::run(&[
        "graph",
        "--format",
        "svg",
        "--vpc",
        "aws_vpc.mian",
        &common::path("testdata/plans/basic-vpc/plan.json"),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--vpc aws_vpc.mian: no such VPC"), "{}", r.stderr);
}

#[test]
fn lint_html_is_one_self_contained_file_with_the_picture_findings_and_traces() {
    let dir = std::env::temp_dir().join(format!("tfvpc-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("report.html");
    let r = common::run(&[
        "lint",
        "--format",
        "html",
        "--output",
        out.to_str().unwrap(),
        &common::path("testdata/rules/unreachable-path/fail_doc_example/plan.json"),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("report written to"), "{}", r.stderr);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    // The picture, a badge on the dropping subnet that links to the finding, the finding with
    // its fix, location and every hop of its trace.
    assert!(html.contains("<svg class=\"tfvpc-picture\""), "{html}");
    assert!(html.contains("data-address=\"aws_subnet.db\""));
    assert!(html.contains("<a href=\"#finding-0\"><g class=\"badge sev-error\">"), "{html}");
    assert!(html.contains("id=\"finding-0\"") && html.contains("unreachable-path"));
    assert!(html.contains("support.tf:51:1"), "{html}");
    assert!(
        html.contains("<li class=\"stop\"><code>aws_network_acl.db</code> nacl-ingress: rule 90 deny tcp 5432"),
        "{html}"
    );
    // Self-contained: nothing that loads or links anywhere, not even a namespace URL.
    for banned in ["http://", "https://", "<script", "<link", " src=", "url(", "@import", "<iframe"] {
        assert!(!html.contains(banned), "{banned} in the report");
    }
    // The same findings as the JSON report.
    let json = common::run(&[
        "lint",
        "--format",
        "json",
        &common::path("testdata/rules/unreachable-path/fail_doc_example/plan.json"),
    ]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(html.matches("<article class=\"finding").count(), json["findings"].as_array().unwrap().len());
    // It renders in a browser straight from the file, without a server.
    if let Some(chrome) = chromium() {
        let shots = common::root().join("target/screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        let dom = browse(chrome, &format!("file://{}", out.display()), &shots.join("lint-html.png"));
        assert!(dom.contains("id=\"finding-0\"") && dom.contains("tfvpc-picture"), "{dom}");
        assert!(std::fs::metadata(shots.join("lint-html.png")).unwrap().len() > 10_000);
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// `POST /api/edits` with a JSON body; `(status, answer)`.
fn post_edits(server: &Server, edits: serde_json::Value) -> (u16, serde_json::Value) {
    let body = serde_json::json!({"version": 1, "edits": edits}).to_string();
    let a = request(server, "POST", "/api/edits", "Content-Type: application/json\r\n", &body);
    (a.status, serde_json::from_str(&a.body).unwrap_or(serde_json::Value::String(a.body)))
}

fn verdict(server: &Server, query: &str) -> String {
    let (status, t) = get(server, &format!("/api/trace?{query}"));
    assert_eq!(status, 200, "{t}");
    t["verdict"].as_str().unwrap().to_string()
}

fn rules_of(findings: &serde_json::Value) -> Vec<String> {
    findings["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

#[test]
fn what_if_edits_relint_in_memory_in_the_configurations_own_style() {
    let plan = "testdata/rules/unreachable-path/fail_doc_example/plan.json";
    let before = std::fs::read(common::path(plan)).unwrap();
    let server = start(plan);
    let flow = "from=aws_instance.app&to=aws_instance.db&protocol=tcp&port=5432";
    assert_eq!(verdict(&server, flow), "unreachable");
    // The ACL's rules: separate aws_network_acl_rule resources, listed with what a change takes.
    let (status, acl) = get(&server, "/api/rules?of=aws_network_acl.db");
    assert_eq!(status, 200, "{acl}");
    assert_eq!((acl["version"].as_u64(), acl["style"].as_str()), (Some(1), Some("separate")));
    let deny =
        acl["rules"].as_array().unwrap().iter().find(|r| r["text"].as_str().unwrap().contains("rule 90 deny")).unwrap();
    assert_eq!(deny["rule"], serde_json::json!({"address": "aws_network_acl_rule.db_deny_app"}));
    assert_eq!(deny["fields"]["rule_number"], 90);
    // An allow before the deny: the finding goes, the packet gets through, in the same style.
    let allow = serde_json::json!([{"op": "add", "parent": "aws_network_acl.db", "direction": "ingress",
        "rule_number": 80, "action": "allow", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr": "10.0.1.0/24"}]);
    let (status, fixed) = post_edits(&server, allow.clone());
    assert_eq!(status, 200, "{fixed}");
    assert_eq!(fixed["version"], 1);
    assert_eq!(rules_of(&fixed["findings"]), Vec::<String>::new(), "{}", fixed["findings"]);
    let hcl = fixed["edits"][0]["hcl"].as_str().unwrap();
    assert!(hcl.starts_with("resource \"aws_network_acl_rule\" \"db_ingress_tcp_5432\" {\n"), "{hcl}");
    assert!(hcl.contains("network_acl_id = aws_network_acl.db.id") && hcl.contains("rule_number    = 80"), "{hcl}");
    assert_eq!(
        fixed["edits"][0]["summary"],
        "add to aws_network_acl.db: ingress rule 80 allow tcp 5432 from 10.0.1.0/24"
    );
    assert_eq!(verdict(&server, flow), "reachable");
    assert_eq!(rules_of(&get(&server, "/api/findings").1), Vec::<String>::new());
    // The new rule is listed and can itself be changed: a deny again breaks the path.
    let (_, acl) = get(&server, "/api/rules?of=aws_network_acl.db");
    assert!(
        acl["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["rule"]["address"] == "aws_network_acl_rule.db_ingress_tcp_5432")
    );
    let mut changed = allow.as_array().unwrap().clone();
    changed.push(serde_json::json!({"op": "change", "rule": {"address": "aws_network_acl_rule.db_ingress_tcp_5432"},
        "direction": "ingress", "rule_number": 80, "action": "deny", "protocol": "tcp", "from_port": 5432, "cidr": "10.0.1.0/24"}));
    let (status, broken) = post_edits(&server, serde_json::Value::Array(changed));
    assert_eq!(status, 200, "{broken}");
    assert_eq!(rules_of(&broken["findings"]), ["unreachable-path"]);
    assert!(broken["edits"][1]["summary"].as_str().unwrap().contains("→ ingress rule 80 deny tcp 5432"), "{broken}");
    // A client that asks before sending its body (curl, above 1 KiB) is told to go on.
    let padded = serde_json::json!({"version": 1, "edits": allow}).to_string() + &" ".repeat(2000);
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(
        s,
        "POST /api/edits HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nCookie: tfvpc_token_{}={}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        server.port, server.port, server.token, padded.len()
    )
    .unwrap();
    let mut interim = [0u8; 25];
    s.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    s.write_all(padded.as_bytes()).unwrap();
    let mut rest = String::new();
    s.read_to_string(&mut rest).unwrap();
    assert!(rest.starts_with("HTTP/1.1 200 OK"), "{rest}");
    // Removing the deny fixes it too; GET shows the edits in force.
    let (status, removed) = post_edits(
        &server,
        serde_json::json!([{"op": "remove", "rule": {"address": "aws_network_acl_rule.db_deny_app"}}]),
    );
    assert_eq!(status, 200, "{removed}");
    assert_eq!(removed["edits"][0]["hcl"], "# delete resource \"aws_network_acl_rule\" \"db_deny_app\"\n");
    assert_eq!(verdict(&server, flow), "reachable");
    assert_eq!(get(&server, "/api/edits").1["edits"].as_array().unwrap().len(), 1);
    // Bad edits are refused whole, with the edit's index, and change nothing.
    for (edits, says) in [
        (
            serde_json::json!([{"op": "add", "parent": "aws_network_acl.db", "direction": "ingress", "rule_number": 80,
            "action": "allow", "protocol": "tcp", "from_port": 5432, "cidr": "10.0.1.0/33"}]),
            "not a CIDR",
        ),
        (
            serde_json::json!([{"op": "add", "parent": "aws_network_acl.nope", "direction": "ingress"}]),
            "no such resource",
        ),
        (
            serde_json::json!([{"op": "add", "parent": "aws_vpc.main:default_network_acl", "direction": "ingress"}]),
            "created by AWS",
        ),
        (
            serde_json::json!([{"op": "add", "parent": "aws_instance.db", "direction": "ingress"}]),
            "rules are edited on",
        ),
        (
            serde_json::json!([{"op": "remove", "rule": {"address": "aws_network_acl.db", "block": "ingress", "index": 7}}]),
            "no ingress block",
        ),
        (
            serde_json::json!([{"op": "add", "parent": "aws_network_acl.db", "direction": "ingress", "rule_number": 0,
            "action": "allow", "protocol": "tcp", "from_port": 1, "cidr": "10.0.0.0/8"}]),
            "1 to 32766",
        ),
        (serde_json::json!([{"op": "explode"}]), "not an edit list"),
    ] {
        let (status, e) = post_edits(&server, edits);
        assert_eq!(status, 400, "{e}");
        assert!(e["error"].as_str().unwrap().contains(says), "{says}: {e}");
    }
    assert_eq!(verdict(&server, flow), "reachable", "a refused edit list leaves the edits in force");
    let wrong_version =
        request(&server, "POST", "/api/edits", "Content-Type: application/json\r\n", r#"{"version":2,"edits":[]}"#);
    assert_eq!(wrong_version.status, 400);
    assert_eq!(
        request(&server, "POST", "/api/edits", "Content-Type: text/plain\r\n", r#"{"version":1,"edits":[]}"#).status,
        415
    );
    // Reset: no edits, the input as read.
    let (status, reset) = post_edits(&server, serde_json::json!([]));
    assert_eq!(status, 200);
    assert_eq!(rules_of(&reset["findings"]), ["unreachable-path"]);
    assert_eq!(verdict(&server, flow), "unreachable");
    // Nothing was written: the input is as it was.
    assert_eq!(std::fs::read(common::path(plan)).unwrap(), before);
}

#[test]
fn what_if_inline_routes_and_rules_stay_inline() {
    // basic-vpc: inline `route` blocks, separate aws_vpc_security_group_*_rule resources.
    let server = start("testdata/plans/basic-vpc/plan.json");
    let out = "from=aws_instance.app&to=internet&protocol=tcp&port=443";
    let (_, table) = get(&server, "/api/rules?of=aws_route_table.private");
    assert_eq!(table["style"], "inline", "{table}");
    let route = &table["rules"][0];
    assert_eq!(route["rule"], serde_json::json!({"address": "aws_route_table.private", "block": "route", "index": 0}));
    assert_eq!(route["fields"]["target"], "aws_nat_gateway.main", "{route}");
    assert!(route["text"].as_str().unwrap().starts_with("route 0.0.0.0/0 → aws_nat_gateway.main"), "{route}");
    let remove = serde_json::json!({"op": "remove", "rule": route["rule"]});
    let (status, r) = post_edits(&server, serde_json::json!([remove]));
    assert_eq!(status, 200, "{r}");
    assert_eq!(verdict(&server, out), "unreachable");
    assert!(
        !rules_of(&r["findings"]).contains(&"cross-az-nat".to_string()),
        "no NAT route, no cross-AZ NAT: {}",
        r["findings"]
    );
    assert!(r["edits"][0]["hcl"].as_str().unwrap().starts_with("# in aws_route_table.private: delete the route block"));
    // The route back, through the NAT gateway: an inline block referring to it.
    let add = serde_json::json!({"op": "add", "parent": "aws_route_table.private", "destination": "0.0.0.0/0", "target": "aws_nat_gateway.main"});
    let (status, r) = post_edits(&server, serde_json::json!([remove, add]));
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        r["edits"][1]["hcl"],
        "# in resource \"aws_route_table\" \"private\":\n  route {\n    cidr_block     = \"0.0.0.0/0\"\n    nat_gateway_id = aws_nat_gateway.main.id\n  }\n"
    );
    assert_eq!(verdict(&server, out), "reachable");
    let original = get(&server, "/api/findings").1;
    assert!(rules_of(&original).contains(&"cross-az-nat".to_string()));
    // A security group rule in the group's own style: aws_vpc_security_group_egress_rule.
    let sg = serde_json::json!({"op": "add", "parent": "aws_security_group.app", "direction": "egress", "protocol": "tcp",
        "from_port": 5432, "cidr": "10.0.10.0/24"});
    let (status, r) = post_edits(&server, serde_json::json!([sg]));
    assert_eq!(status, 200, "{r}");
    let hcl = r["edits"][0]["hcl"].as_str().unwrap();
    assert!(hcl.starts_with("resource \"aws_vpc_security_group_egress_rule\" \"app_egress_tcp_5432\" {\n"), "{hcl}");
    assert!(
        hcl.contains("security_group_id = aws_security_group.app.id\n")
            && hcl.contains("cidr_ipv4         = \"10.0.10.0/24\""),
        "{hcl}"
    );
}

#[test]
fn what_if_inline_security_group_rules_stay_inline() {
    let server = start("testdata/plans/families-endpoints-sg-nacl/plan.json");
    let (status, sg) = get(&server, "/api/rules?of=aws_security_group.app");
    assert_eq!(status, 200, "{sg}");
    assert_eq!(sg["style"], "inline", "{sg}");
    let n = sg["rules"].as_array().unwrap().len();
    let add = serde_json::json!({"op": "add", "parent": "aws_security_group.app", "direction": "ingress", "protocol": "tcp",
        "from_port": 8443, "peer_group": "aws_security_group.lb"});
    let (status, r) = post_edits(&server, serde_json::json!([add]));
    assert_eq!(status, 200, "{r}");
    let hcl = r["edits"][0]["hcl"].as_str().unwrap();
    assert!(hcl.starts_with("# in resource \"aws_security_group\" \"app\":\n  ingress {\n"), "{hcl}");
    assert!(hcl.contains("security_groups = [aws_security_group.lb.id]"), "{hcl}");
    let (_, sg) = get(&server, "/api/rules?of=aws_security_group.app");
    assert_eq!(sg["rules"].as_array().unwrap().len(), n + 1);
    // Separate-rule groups of the same plan keep their own types.
    let add = serde_json::json!({"op": "add", "parent": "aws_security_group.lb", "direction": "ingress", "protocol": "tcp",
        "from_port": 80, "cidr": "0.0.0.0/0"});
    let (status, r) = post_edits(&server, serde_json::json!([add]));
    assert_eq!(status, 200, "{r}");
    assert!(r["edits"][0]["hcl"].as_str().unwrap().starts_with("resource \"aws_security_group_rule\""), "{r}");
}

/// Headless Chromium driven over the DevTools protocol through a pipe
/// (`--remote-debugging-pipe`: NUL-terminated JSON messages on file descriptors 3 and 4, here
/// two FIFOs), so a test can click and type in the page as a person does.
struct Browser {
    child: Child,
    to: std::fs::File,
    from: std::sync::mpsc::Receiver<serde_json::Value>,
    next: u64,
    session: String,
    dir: std::path::PathBuf,
}

impl Browser {
    fn launch(chrome: &str, name: &str) -> Browser {
        let dir = std::env::temp_dir().join(format!("tfvpc-cdp-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (fifo_in, fifo_out) = (dir.join("in"), dir.join("out"));
        assert!(Command::new("mkfifo").arg(&fifo_in).arg(&fifo_out).status().unwrap().success());
        let script = format!(
            "exec '{chrome}' --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
             --disable-component-update --disable-sync --disable-quic --remote-debugging-pipe \
             --user-data-dir='{}' about:blank 3<'{}' 4>'{}'",
            dir.join("profile").display(),
            fifo_in.display(),
            fifo_out.display()
        );
        let child =
            Command::new("sh").arg("-c").arg(script).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let to = std::fs::OpenOptions::new().write(true).open(&fifo_in).unwrap();
        let mut reader = BufReader::new(std::fs::File::open(&fifo_out).unwrap());
        let (tx, from) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            loop {
                let mut buf = Vec::new();
                match reader.read_until(0, &mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {
                        buf.pop();
                        if let Ok(v) = serde_json::from_slice(&buf)
                            && tx.send(v).is_err()
                        {
                            return;
                        }
                    }
                }
            }
        });
        let mut b = Browser { child, to, from, next: 0, session: String::new(), dir };
        let target = b.call("Target.createTarget", serde_json::json!({"url": "about:blank"}));
        let attached =
            b.call("Target.attachToTarget", serde_json::json!({"targetId": target["targetId"], "flatten": true}));
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        b.call(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({"width": 1500, "height": 1000, "deviceScaleFactor": 1, "mobile": false}),
        );
        b
    }

    fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        self.next += 1;
        let mut msg = serde_json::json!({"id": self.next, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = serde_json::Value::String(self.session.clone());
        }
        let mut bytes = msg.to_string().into_bytes();
        bytes.push(0);
        self.to.write_all(&bytes).unwrap();
        loop {
            let reply = self.from.recv_timeout(std::time::Duration::from_secs(30)).expect("the browser answers");
            if reply["id"] == self.next {
                assert!(reply.get("error").is_none(), "{method}: {reply}");
                return reply["result"].clone();
            }
        }
    }

    /// Evaluates JavaScript in the page (awaiting promises) and returns its value.
    fn eval(&mut self, js: &str) -> serde_json::Value {
        let r = self.call(
            "Runtime.evaluate",
            serde_json::json!({"expression": js, "awaitPromise": true, "returnByValue": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{js}: {r}");
        r["result"]["value"].clone()
    }

    /// Waits (up to 20 s) for a JavaScript condition to hold.
    fn wait(&mut self, condition: &str) {
        let guarded = format!("(() => {{ try {{ return {condition}; }} catch (e) {{ return false; }} }})()");
        for _ in 0..200 {
            if self.eval(&guarded) == serde_json::Value::Bool(true) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let body = self.eval("document.body.outerHTML");
        panic!("timed out waiting for {condition}:\n{body}");
    }

    fn goto(&mut self, url: &str) {
        self.call("Page.navigate", serde_json::json!({"url": url}));
    }

    fn screenshot(&mut self, path: &std::path::Path) {
        let shot = self.call("Page.captureScreenshot", serde_json::json!({"format": "png"}));
        std::fs::write(path, base64_decode(shot["data"].as_str().unwrap())).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let digits: Vec<u8> = text.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()).map(value).collect();
    digits
        .chunks(4)
        .flat_map(|c| {
            let n = c.iter().enumerate().fold(0u32, |acc, (i, d)| acc | (u32::from(*d) << (18 - 6 * i)));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            bytes.into_iter().take(c.len().saturating_sub(1))
        })
        .collect()
}

#[test]
fn in_a_real_browser_a_what_if_rule_fixes_the_broken_path() {
    let Some(chrome) = chromium() else { return };
    let shots = common::root().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let server = start("testdata/rules/unreachable-path/fail_doc_example/plan.json");
    let mut b = Browser::launch(chrome, "whatif");
    // Send a packet (from the link) and read the verdict and the failing hop from the page.
    b.goto(&server.url("#from=aws_instance.app&to=aws_instance.db&protocol=tcp&port=5432&fast=1"));
    b.wait("document.body.dataset.traced === 'unreachable'");
    assert_eq!(b.eval("document.querySelector('#result .verdict').textContent"), "unreachable");
    assert_eq!(b.eval("document.querySelector('#result li.d-deny').dataset.resource"), "aws_network_acl.db");
    assert_eq!(b.eval("document.querySelector('#result li.d-deny .stage').textContent"), "nacl-ingress");
    assert_eq!(
        b.eval("document.querySelector('g[data-address=\"aws_subnet.db\"]').classList.contains('hop-deny')"),
        true
    );
    assert_eq!(b.eval("document.querySelector('#findings h2').textContent"), "Findings (1)");
    b.screenshot(&shots.join("whatif-1-unreachable.png"));
    // What if: the failing hop's rules, a new allow before the deny, through the form.
    b.eval("document.querySelector('#result li.d-deny .edit-hop').click()");
    b.wait("document.body.dataset.rules === 'aws_network_acl.db'");
    assert!(b.eval("document.querySelector('#rules').textContent").as_str().unwrap().contains("rule 90 deny tcp 5432"));
    b.eval("document.querySelector('#add-rule').click()");
    b.eval(
        "(() => { const f = document.querySelector('#edit-form');
           const set = (n, v) => { f.elements[n].value = v; };
           set('direction', 'ingress'); set('rule_number', '80'); set('action', 'allow'); set('protocol', 'tcp');
           set('from_port', '5432'); set('to_port', '5432'); set('cidr', '10.0.1.0/24'); return true; })()",
    );
    b.screenshot(&shots.join("whatif-2-form.png"));
    b.eval("document.querySelector('#apply-edit').click()");
    b.wait("document.body.dataset.edited === '1'");
    // Sent again: reachable, the finding gone, the change listed with its HCL.
    assert_eq!(b.eval("document.body.dataset.traced"), "reachable");
    assert_eq!(b.eval("document.querySelector('#result .verdict').textContent"), "reachable");
    assert_eq!(b.eval("document.querySelector('#findings h2').textContent"), "Findings (0)");
    let hcl = b.eval("document.querySelector('#changes pre.hcl').textContent");
    assert!(hcl.as_str().unwrap().starts_with("resource \"aws_network_acl_rule\""), "{hcl}");
    assert!(
        b.eval("document.querySelector('#rules').textContent").as_str().unwrap().contains("rule 80 allow tcp 5432")
    );
    b.screenshot(&shots.join("whatif-3-reachable.png"));
    // Reset: the input as read, the packet dropped again.
    b.eval("document.querySelector('#reset-edits').click()");
    b.wait("document.body.dataset.edited === '0'");
    assert_eq!(b.eval("document.body.dataset.traced"), "unreachable");
    assert_eq!(b.eval("document.querySelector('#findings h2').textContent"), "Findings (1)");
}

#[test]
fn the_matrix_groups_workloads_and_agrees_with_trace() {
    for (plan, port) in
        [("testdata/plans/basic-vpc/plan.json", "443"), ("testdata/plans/families-workloads/plan.json", "5432")]
    {
        let server = start(plan);
        let (status, m) = get(&server, &format!("/api/matrix?protocol=tcp&port={port}"));
        assert_eq!(status, 200, "{m}");
        assert_eq!(m["version"], 1);
        let rows = m["rows"].as_array().unwrap();
        assert!(rows.len() >= 3, "{m}");
        assert_eq!(rows.last().unwrap()["label"], "internet");
        // Every workload is in exactly one group; a group shares subnets and security groups.
        let members: Vec<&str> =
            rows.iter().flat_map(|r| r["members"].as_array().unwrap()).map(|v| v.as_str().unwrap()).collect();
        let mut unique = members.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), members.len(), "{m}");
        let cells = m["cells"].as_array().unwrap();
        assert_eq!(cells.len(), rows.len());
        let mut seen = std::collections::BTreeSet::new();
        for (i, row) in cells.iter().enumerate() {
            assert_eq!(row.as_array().unwrap().len(), rows.len());
            for (j, c) in row.as_array().unwrap().iter().enumerate() {
                if c.is_null() {
                    assert!(i == j, "only the diagonal may be empty: {i} {j}");
                    continue;
                }
                // The page's cell is the trace of its pair: the same verdict as /api/trace (and so `tfvpc trace`).
                let q = format!(
                    "from={}&to={}&protocol=tcp&port={port}",
                    c["from"].as_str().unwrap(),
                    c["to"].as_str().unwrap()
                );
                assert_eq!(c["verdict"].as_str().unwrap(), verdict(&server, &q), "{plan} {q}: {c}");
                seen.insert(c["verdict"].as_str().unwrap().to_string());
                assert!(
                    c["assumes"].as_array().unwrap().iter().any(|a| a.as_str().unwrap().contains("source ports")),
                    "{c}"
                );
            }
        }
        assert!(seen.contains("reachable") && seen.contains("unreachable"), "{plan}: {seen:?}");
    }
    let server = start("testdata/plans/basic-vpc/plan.json");
    assert_eq!(get(&server, "/api/matrix?protocol=tcp").0, 400, "tcp needs a port");
    let (_, one) = get(&server, "/api/matrix?protocol=tcp&port=443&vpc=aws_vpc.nope");
    assert_eq!(one["rows"].as_array().unwrap().len(), 1, "only the internet: {one}");
}

#[test]
fn in_a_real_browser_a_matrix_cell_sends_its_packet() {
    let Some(chrome) = chromium() else { return };
    let shots = common::root().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let server = start("testdata/plans/families-workloads/plan.json");
    let mut b = Browser::launch(chrome, "matrix");
    b.goto(&server.url("#fast=1"));
    b.wait("document.body.dataset.ready === '1'");
    b.eval("document.querySelector('#m-port').value = '5432'; document.querySelector('#matrix-open').click(); true");
    b.wait("document.body.dataset.matrix !== undefined");
    let cells = b.eval("document.querySelectorAll('table.matrix td.reachable, table.matrix td.unreachable').length");
    assert!(cells.as_u64().unwrap() >= 4, "{cells}");
    b.screenshot(&shots.join("serve-matrix.png"));
    // A cell is a packet: clicking it fills From/To and sends it; the trace agrees with the cell.
    let cell = b.eval(
        "(() => { const td = document.querySelector('table.matrix td.unreachable'); td.click();
           return { from: td.dataset.from, to: td.dataset.to }; })()",
    );
    b.wait("document.body.dataset.traced === 'unreachable'");
    assert_eq!(b.eval("document.querySelector('#from').value"), cell["from"]);
    assert_eq!(b.eval("document.querySelector('#to').value"), cell["to"]);
    assert_eq!(b.eval("document.querySelector('#result .verdict').textContent"), "unreachable");
    b.screenshot(&shots.join("serve-matrix-cell.png"));
}

/// The 100-VPC generated estate (`tfvpc-gen --vpcs 100`, 4 subnets each to keep the test quick)
/// in the browser: the overview draws the VPCs collapsed, one each; clicking one zooms into it
/// and draws its subnets. Screenshots of both for a person to look at.
#[test]
fn in_a_real_browser_a_100_vpc_estate_collapses_and_zooms() {
    let Some(chrome) = chromium() else { return };
    let shots = common::root().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let params = synth::Params { vpcs: 100, subnets_per_vpc: 4, services_per_vpc: 2, seed: 1 };
    let dir = common::root().join("target/test-data/estate-100");
    synth::write_estate(&synth::Estate::new(params).unwrap(), &dir).unwrap();
    let server = start(&dir.join("plan.json").display().to_string());
    let mut b = Browser::launch(chrome, "estate100");
    b.goto(&server.url("#fast=1"));
    b.wait("document.body.dataset.ready === '1'");
    let vpcs = "document.querySelectorAll('#canvas g[data-kind=\"vpc\"]').length";
    assert_eq!(b.eval(vpcs), 100);
    assert_eq!(b.eval("document.querySelectorAll('#canvas g[data-kind=\"subnet\"]').length"), 0, "collapsed");
    assert_eq!(b.eval("document.querySelectorAll('#vpc-select option').length"), 101, "all VPCs and the overview");
    b.screenshot(&shots.join("estate-100-overview.png"));
    // Zoom into one VPC by clicking it: only it, with its 4 subnets.
    let picked = b.eval(
        "(() => { const g = document.querySelectorAll('#canvas g[data-kind=\"vpc\"]')[42];
           g.dispatchEvent(new MouseEvent('click', { bubbles: true })); return g.dataset.address; })()",
    );
    b.wait("document.querySelectorAll('#canvas g[data-kind=\"subnet\"]').length > 0");
    // The VPC and its peers (drawn too, as the VPC filter of `tfvpc graph --vpc` does).
    let drawn = b.eval(vpcs).as_u64().unwrap();
    assert!((1..100).contains(&drawn), "{drawn} VPCs drawn");
    let prefix = picked.as_str().unwrap().trim_end_matches("aws_vpc.this").to_string();
    let subnets_of = format!(
        "[...document.querySelectorAll('#canvas g[data-kind=\"subnet\"]')].filter((g) => g.dataset.address.startsWith({})).length",
        serde_json::Value::String(format!("{prefix}aws_subnet."))
    );
    assert_eq!(b.eval(&subnets_of), 4, "the picked VPC's subnets");
    assert_eq!(b.eval("document.querySelector('#vpc-select').value"), picked);
    b.screenshot(&shots.join("estate-100-zoomed.png"));
}
