//! `tfvpc serve`: the packet-flow simulator. Reads the input once (the network, its picture and
//! the lint report), then answers the page on 127.0.0.1: the page itself (embedded in the
//! binary: no CDN, no build step), the picture, the findings, and one trace per "send a packet".
//!
//! The server is deliberately small: HTTP/1.1 GET only, one request per connection, requests read
//! with a size limit, answered in the order they come. It refuses requests whose `Host` is not
//! the loopback address it listens on (a web page elsewhere cannot read the network through DNS
//! rebinding).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

use serde_json::json;

use super::{settings_for, write_err, write_out};
use crate::cli::{self, Cli};
use crate::config::Settings;
use crate::model::Network;
use crate::{EXIT_CLEAN, Error, Io, Result, eval, ingest, picture, render_error};

const INDEX_HTML: &str = include_str!("../serve/index.html");
const APP_JS: &str = include_str!("../serve/app.js");
const APP_CSS: &str = include_str!("../serve/app.css");

/// The longest request line and headers read from a client.
const MAX_REQUEST: u64 = 16 * 1024;

/// Runs `tfvpc serve`.
pub(crate) fn serve(args: &cli::ServeArgs, io: &mut Io<'_>) -> Result<u8> {
    let app = App::load(args, io)?;
    let listener = TcpListener::bind(("127.0.0.1", args.port)).map_err(|e| {
        Error::usage(
            format!("--port {}: cannot listen on 127.0.0.1:{} ({e})", args.port, args.port),
            "pick another port with --port N, or --port 0 for any free one",
        )
    })?;
    let port = listener.local_addr().map_err(Error::Write)?.port();
    let url = format!("http://127.0.0.1:{port}/");
    write_out(io, &format!("tfvpc serve: {} at {url} (Ctrl-C stops)\n", app.input))?;
    if args.open {
        open_browser(&url, io);
    }
    let mut served = 0usize;
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        app.answer(stream, port);
        served += 1;
        if args.max_requests.is_some_and(|m| served >= m) {
            break;
        }
    }
    Ok(EXIT_CLEAN)
}

fn open_browser(url: &str, io: &mut Io<'_>) {
    let program = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let started = if cfg!(windows) {
        std::process::Command::new("cmd").args(["/C", "start", url]).spawn()
    } else {
        std::process::Command::new(program).arg(url).spawn()
    };
    if started.is_err() {
        write_err(io, &format!("note: could not open a browser; open {url} yourself\n"));
    }
}

/// What the page asks about, computed once.
struct App {
    input: String,
    config: Option<std::path::PathBuf>,
    net: Network,
    settings: Settings,
    findings: String,
}

/// One answer.
struct Response {
    status: u16,
    content_type: &'static str,
    body: String,
}

impl Response {
    fn ok(content_type: &'static str, body: impl Into<String>) -> Self {
        Response { status: 200, content_type, body: body.into() }
    }

    fn json(status: u16, value: &serde_json::Value) -> Self {
        Response { status, content_type: "application/json", body: value.to_string() }
    }
}

impl App {
    fn load(args: &cli::ServeArgs, io: &mut Io<'_>) -> Result<App> {
        let explicit = super::explicit_config(args.config.as_deref())?;
        let opts = super::hcl_options(&args.var_args);
        let (input, mut doc, _notes) = ingest::load_any(&args.input, io.stdin, &opts)?;
        let settings = settings_for(explicit.as_ref(), input.dir())?;
        let (net, _) = super::lower_after(&input.name, &mut doc, input.dir(), &opts);
        let mut app =
            App { input: input.name.clone(), config: args.config.clone(), net, settings, findings: String::new() };
        app.findings = app.lint(&args.var_args, io);
        Ok(app)
    }

    /// The lint report of the input, as `tfvpc lint --format json` writes it (the same
    /// findings, suppressions and locations the CLI gives).
    fn lint(&self, vars: &cli::VarArgs, io: &mut Io<'_>) -> String {
        let mut argv = vec!["tfvpc".to_string(), "lint".into(), "--format".into(), "json".into()];
        if let Some(c) = &self.config {
            argv.push("--config".into());
            argv.push(c.display().to_string());
        }
        // The HCL variables, in their command-line order.
        let mut given: Vec<(usize, [String; 2])> = vars
            .vars
            .iter()
            .map(|o| (o.seq, ["--var".to_string(), format!("{}={}", o.value.0, o.value.1)]))
            .chain(vars.var_files.iter().map(|o| (o.seq, ["--var-file".to_string(), o.value.display().to_string()])))
            .collect();
        given.sort_by_key(|(seq, _)| *seq);
        argv.extend(given.into_iter().flat_map(|(_, pair)| pair));
        argv.push(self.input.clone());
        let Ok(Cli { command: cli::Command::Lint(args) }) = <Cli as clap::Parser>::try_parse_from(&argv) else {
            return json!({"error": "could not build the lint command"}).to_string();
        };
        let mut out = Vec::new();
        let mut err = Vec::new();
        let mut stdin = std::io::empty();
        let mut sub = Io { stdin: &mut stdin, stdout: &mut out, stderr: &mut err, stdout_is_terminal: false };
        if let Err(e) = super::lint::lint(&args, &mut sub) {
            write_err(io, &render_error(&e));
        }
        String::from_utf8(out).unwrap_or_default()
    }

    fn answer(&self, stream: TcpStream, port: u16) {
        let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
        let response = match read_request(&stream) {
            Some(req) if !host_allowed(&req.host, port) => {
                Response::json(403, &json!({"error": "this server answers only http://127.0.0.1 and http://localhost"}))
            }
            Some(req) if req.method == "GET" || req.method == "HEAD" => self.route(&req.target),
            Some(_) => Response::json(405, &json!({"error": "only GET"})),
            None => Response::json(400, &json!({"error": "bad request"})),
        };
        write_response(stream, &response);
    }

    fn route(&self, target: &str) -> Response {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let params = parse_query(query);
        let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        match path {
            "/" | "/index.html" => Response::ok("text/html; charset=utf-8", INDEX_HTML),
            "/app.js" => Response::ok("text/javascript; charset=utf-8", APP_JS),
            "/app.css" => Response::ok("text/css; charset=utf-8", APP_CSS),
            "/api/picture" => {
                let options = picture::Options {
                    vpc: param("vpc").filter(|v| !v.is_empty()).map(str::to_string),
                    collapse: param("collapse").map(|c| c == "1" || c == "true"),
                };
                let pic = picture::build(&self.net, &options);
                let svg = picture::svg::render(&pic);
                let vpcs: Vec<&str> = self
                    .net
                    .present()
                    .filter(|(_, r)| matches!(r.obj, crate::model::Object::Vpc(_)))
                    .map(|(id, _)| self.net.name(id))
                    .collect();
                Response::json(200, &json!({"input": self.input, "svg": svg, "picture": pic, "vpcs": vpcs}))
            }
            "/api/findings" => Response::ok("application/json", self.findings.clone()),
            "/api/trace" => self.trace(param),
            _ => Response::json(404, &json!({"error": format!("no page {path}")})),
        }
    }

    fn trace<'q>(&self, param: impl Fn(&str) -> Option<&'q str>) -> Response {
        let mut argv: Vec<String> = vec!["tfvpc".into(), "trace".into(), self.input.clone()];
        for (key, flag) in [
            ("from", "--from"),
            ("to", "--to"),
            ("protocol", "--protocol"),
            ("port", "--port"),
            ("icmp_type", "--icmp-type"),
            ("icmp_code", "--icmp-code"),
            ("gb", "--gb-per-month"),
        ] {
            if let Some(v) = param(key).filter(|v| !v.trim().is_empty()) {
                argv.push(flag.into());
                argv.push(v.trim().to_string());
            }
        }
        let args = match <Cli as clap::Parser>::try_parse_from(&argv) {
            Ok(Cli { command: cli::Command::Trace(args) }) => args,
            Ok(_) => return Response::json(400, &json!({"error": "not a trace"})),
            Err(e) => {
                let text = e.to_string();
                let first = text.lines().next().unwrap_or("bad packet").trim_start_matches("error: ").to_string();
                return Response::json(
                    400,
                    &json!({"error": first, "help": "give a source, a destination, a protocol and a port (or ICMP type)"}),
                );
            }
        };
        let flow = match super::trace::trace_flow(&args) {
            Ok(f) => f,
            Err(e) => return error_response(&e),
        };
        let options = eval::TraceOptions { gb_per_month: args.gb_per_month, family: None };
        match eval::trace(&self.net, self.settings.eval(), &args.from, &args.to, &flow, &options) {
            Ok(report) => Response::ok("application/json", report.to_json()),
            Err(e) => error_response(&super::trace::endpoint_error(e)),
        }
    }
}

fn error_response(e: &Error) -> Response {
    use miette::Diagnostic;
    let help = e.help().map(|h| h.to_string());
    Response::json(400, &json!({"error": e.to_string(), "help": help}))
}

struct Request {
    method: String,
    target: String,
    host: String,
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.take(MAX_REQUEST));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut host = String::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            break;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("host")
        {
            host = value.trim().to_string();
        }
    }
    Some(Request { method, target, host })
}

/// Only the loopback names of this server's own port (or no `Host`, as from a plain socket).
fn host_allowed(host: &str, port: u16) -> bool {
    host.is_empty() || [format!("127.0.0.1:{port}"), format!("localhost:{port}")].iter().any(|h| h == host)
}

fn write_response(mut stream: TcpStream, r: &Response) {
    let reason = match r.status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    };
    let head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nContent-Security-Policy: default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:\r\nConnection: close\r\n\r\n",
        r.status,
        r.content_type,
        r.body.len()
    );
    let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(r.body.as_bytes()));
    let _ = stream.flush();
}

/// `a=1&b=x%20y` → pairs, percent- and `+`-decoded.
fn parse_query(query: &str) -> Vec<(String, String)> {
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

    #[test]
    fn only_loopback_hosts_of_this_port() {
        assert!(host_allowed("127.0.0.1:7878", 7878));
        assert!(host_allowed("localhost:7878", 7878));
        assert!(host_allowed("", 7878));
        assert!(!host_allowed("evil.example:7878", 7878));
        assert!(!host_allowed("127.0.0.1:80", 7878));
    }
}
