//! `tfvpc serve`: the packet-flow simulator. Reads the input once (the network, its picture and
//! the lint report), then answers the page on 127.0.0.1: the page itself (embedded in the
//! binary: no CDN, no build step), the picture, the findings, one trace per "send a packet", and
//! what-if edits of the rules and routes, re-linted in memory.
//!
//! The server is deliberately small: HTTP/1.1, one request per connection, answered in the order
//! they come, every request bounded and checked by `http.rs` (its security model is
//! docs/serve.md's). No endpoint reads or writes a file: the input, its sources and its
//! configuration are read once, before the first request.

mod http;
mod matrix;
mod whatif;

use std::net::TcpListener;

use serde_json::json;

use self::http::{Admit, Gate, Request, Response};
use super::lint::{self, Prepared};
use super::{write_err, write_out};
use crate::cli::{self, Cli};
use crate::model::Network;
use crate::{EXIT_CLEAN, Error, Io, Result, eval, picture, report};

const INDEX_HTML: &str = include_str!("../../serve/index.html");
const APP_JS: &str = include_str!("../../serve/app.js");
const APP_CSS: &str = include_str!("../../serve/app.css");

/// Runs `tfvpc serve`.
pub(crate) fn serve(args: &cli::ServeArgs, io: &mut Io<'_>) -> Result<u8> {
    let started = std::time::Instant::now();
    let listener = TcpListener::bind(("127.0.0.1", args.port)).map_err(|e| {
        Error::usage(
            format!("--port {}: cannot listen on 127.0.0.1:{} ({e})", args.port, args.port),
            "pick another port with --port N, or --port 0 for any free one",
        )
    })?;
    let port = listener.local_addr().map_err(Error::Write)?.port();
    let gate = Gate { port, token: http::random_token() };
    let (mut app, mut net) = App::load(args, gate, io)?;
    let url = app.gate.url();
    write_out(
        io,
        &format!(
            "tfvpc serve: {} at {url} (ready in {} ms; Ctrl-C stops)\n",
            app.prepared.input.name,
            started.elapsed().as_millis()
        ),
    )?;
    if args.open {
        open_browser(&url, io);
    }
    let mut served = 0usize;
    // The evaluator of the network in force is compiled once, not per packet; an edit brings a
    // new network, and with it a new evaluator.
    loop {
        let next = {
            let live = Live { net: &net, ev: eval::Evaluator::new(&net, app.prepared.settings.eval()) };
            let mut next = None;
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                app.answer(&stream, &live);
                served += 1;
                if args.max_requests.is_some_and(|m| served >= m) {
                    return Ok(EXIT_CLEAN);
                }
                if let Some(n) = app.next_net.take() {
                    next = Some(n);
                    break;
                }
            }
            next
        };
        match next {
            Some(n) => net = n,
            None => break,
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

/// The network in force and its compiled evaluator.
struct Live<'n> {
    net: &'n Network,
    ev: eval::Evaluator<'n>,
}

/// What the page asks about: read once, re-linted in memory after each what-if edit.
struct App {
    gate: Gate,
    prepared: std::sync::Arc<Prepared>,
    /// The lint of the input as read, running on its own thread while the first requests (the
    /// page, the picture, packets) are answered; joined when the findings are first needed.
    pending: Option<std::sync::mpsc::Receiver<(String, u128)>>,
    /// The network after a `POST /api/edits`, taken by the serve loop.
    next_net: Option<Network>,
    /// Its lint report, `tfvpc lint --format json`.
    findings: String,
    /// The separate rules' parents and the parents' style, as read.
    layout: whatif::Layout,
    /// The document after the edits.
    editor: whatif::Editor,
    /// The edits in force, applied.
    applied: Vec<whatif::Applied>,
    /// How long the last lint took.
    lint_ms: u128,
}

impl App {
    fn load(args: &cli::ServeArgs, gate: Gate, io: &mut Io<'_>) -> Result<(App, Network)> {
        let explicit = super::explicit_config(args.config.as_deref())?;
        let lint_args = lint_args(args)?;
        let prepared = std::sync::Arc::new(lint::prepare(&args.input, explicit.as_ref(), &lint_args, io.stdin)?);
        // The network is what the lint lowers too; the picture and packets need only it.
        let net = crate::model::lower::lower(&prepared.input.name, &prepared.doc, crate::model::lower::Side::After);
        let (tx, rx) = std::sync::mpsc::channel();
        let linting = std::sync::Arc::clone(&prepared);
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let (_, findings) = relint(&linting, &linting.doc);
            let _ = tx.send((findings, started.elapsed().as_millis()));
        });
        let layout = whatif::Layout::of(&net);
        let editor = whatif::Editor::new(prepared.doc.clone(), &layout);
        let app = App {
            gate,
            prepared,
            pending: Some(rx),
            next_net: None,
            findings: String::new(),
            layout,
            editor,
            applied: Vec::new(),
            lint_ms: 0,
        };
        Ok((app, net))
    }

    /// Waits for the lint of the input as read, once.
    fn settle(&mut self) {
        if let Some(rx) = self.pending.take() {
            (self.findings, self.lint_ms) =
                rx.recv().unwrap_or_else(|_| (json!({"error": "the lint of the input failed"}).to_string(), 0));
        }
    }

    fn answer(&mut self, stream: &std::net::TcpStream, live: &Live<'_>) {
        let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
        let (response, head_only) = match http::read_request(stream) {
            Err(refusal) => (refusal, false),
            Ok(req) => {
                let head_only = req.method == "HEAD";
                let response = match self.gate.admit(&req) {
                    Admit::No(refusal) => refusal,
                    Admit::Exchange => self.gate.exchange(),
                    Admit::Yes => self.route(&req, live),
                };
                (response, head_only)
            }
        };
        http::write_response(stream, &response, head_only);
    }

    fn route(&mut self, req: &Request, live: &Live<'_>) -> Response {
        let (path, params) = req.path_and_query();
        if matches!(path, "/api/findings" | "/api/edits") {
            self.settle();
        }
        let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let read = req.method == "GET" || req.method == "HEAD";
        match (path, read) {
            ("/" | "/index.html", true) => Response::ok("text/html; charset=utf-8", INDEX_HTML),
            ("/app.js", true) => Response::ok("text/javascript; charset=utf-8", APP_JS),
            ("/app.css", true) => Response::ok("text/css; charset=utf-8", APP_CSS),
            ("/api/picture", true) => {
                let options = picture::Options {
                    vpc: param("vpc").filter(|v| !v.is_empty()).map(str::to_string),
                    collapse: param("collapse").map(|c| c == "1" || c == "true"),
                };
                let pic = picture::build(live.net, &options);
                let svg = picture::svg::render(&pic);
                let vpcs: Vec<&str> = live
                    .net
                    .present()
                    .filter(|(_, r)| matches!(r.obj, crate::model::Object::Vpc(_)))
                    .map(|(id, _)| live.net.name(id))
                    .collect();
                Response::json(
                    200,
                    &json!({"input": self.prepared.input.name, "svg": svg, "picture": pic, "vpcs": vpcs}),
                )
            }
            ("/api/findings", true) => Response::ok("application/json", self.findings.clone()),
            ("/api/trace", true) => self.trace(param, &live.ev),
            ("/api/matrix", true) => self.matrix(param, live),
            ("/api/rules", true) => match self.editor.rules_of(param("of").unwrap_or_default().trim(), live.net) {
                Ok(rules) => Response::json(200, &rules),
                Err(e) => Response::json(400, &json!({"error": e})),
            },
            ("/api/edits", true) => Response::json(200, &self.edits_answer()),
            ("/api/edits", false) if req.method == "POST" => self.post_edits(req),
            (
                "/" | "/index.html" | "/app.js" | "/app.css" | "/api/picture" | "/api/findings" | "/api/trace"
                | "/api/rules" | "/api/matrix",
                false,
            ) => Response::error(405, "only GET here"),
            ("/api/edits", false) => Response::error(405, "GET or POST"),
            _ => Response::json(404, &json!({"error": format!("no page {path}")})),
        }
    }

    fn trace<'q>(&self, param: impl Fn(&str) -> Option<&'q str>, ev: &eval::Evaluator<'_>) -> Response {
        let mut argv: Vec<String> = vec!["tfvpc".into(), "trace".into(), self.prepared.input.name.clone()];
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
        let ends = ev
            .resolve(&args.from, None)
            .map_err(|error| eval::TraceError { which: eval::TraceEnd::From, error })
            .and_then(|x| {
                let y = ev
                    .resolve(&args.to, x.places.first())
                    .map_err(|error| eval::TraceError { which: eval::TraceEnd::To, error })?;
                Ok((x, y))
            });
        match ends {
            Ok((x, y)) => Response::ok("application/json", ev.trace(&x, &y, &flow, &options).to_json()),
            Err(e) => error_response(&super::trace::endpoint_error(e)),
        }
    }
}

impl App {
    /// `GET /api/edits` and the answer to a `POST`: the edits in force with their HCL, and the
    /// lint report after them.
    fn edits_answer(&self) -> serde_json::Value {
        let findings: serde_json::Value = serde_json::from_str(&self.findings).unwrap_or_default();
        json!({"version": whatif::VERSION, "edits": self.applied, "findings": findings, "lint_ms": self.lint_ms})
    }

    /// `POST /api/edits`: replaces the edits in force (all or nothing), re-lints in memory.
    fn post_edits(&mut self, req: &Request) -> Response {
        let content_type = req.header("content-type").unwrap_or_default();
        if !content_type.starts_with("application/json") {
            return Response::error(415, "send the edits as application/json");
        }
        let request: whatif::EditsRequest = match serde_json::from_slice(&req.body) {
            Ok(r) => r,
            Err(e) => return Response::json(400, &json!({"error": format!("not an edit list: {e}")})),
        };
        if request.version != whatif::VERSION {
            return Response::json(
                400,
                &json!({"error": format!("version {}: this server speaks version {}", request.version, whatif::VERSION)}),
            );
        }
        if request.edits.len() > whatif::MAX_EDITS {
            return Response::json(413, &json!({"error": format!("more than {} edits", whatif::MAX_EDITS)}));
        }
        let mut editor = whatif::Editor::new(self.prepared.doc.clone(), &self.layout);
        let mut applied = Vec::with_capacity(request.edits.len());
        for (index, edit) in request.edits.iter().enumerate() {
            match editor.apply(edit) {
                Ok(a) => applied.push(a),
                Err(e) => return Response::json(400, &json!({"error": e, "edit": index})),
            }
        }
        let started = std::time::Instant::now();
        let (net, findings) = relint(&self.prepared, &editor.doc);
        self.lint_ms = started.elapsed().as_millis();
        self.next_net = Some(net);
        self.findings = findings;
        self.editor = editor;
        self.applied = applied;
        Response::json(200, &self.edits_answer())
    }
}

impl App {
    /// `GET /api/matrix?protocol=&port=&icmp_type=&vpc=`.
    fn matrix<'q>(&self, param: impl Fn(&str) -> Option<&'q str>, live: &Live<'_>) -> Response {
        let mut argv: Vec<String> =
            ["tfvpc", "trace", "-", "--from", "internet", "--to", "internet"].map(String::from).to_vec();
        for (key, flag) in [("protocol", "--protocol"), ("port", "--port"), ("icmp_type", "--icmp-type")] {
            if let Some(v) = param(key).filter(|v| !v.trim().is_empty()) {
                argv.push(flag.into());
                argv.push(v.trim().to_string());
            }
        }
        let flow = match <Cli as clap::Parser>::try_parse_from(&argv) {
            Ok(Cli { command: cli::Command::Trace(args) }) => match super::trace::trace_flow(&args) {
                Ok(f) => f,
                Err(e) => return error_response(&e),
            },
            _ => return Response::error(400, "give a protocol and a port (or ICMP type)"),
        };
        let flow_text = [param("protocol"), param("port").or(param("icmp_type"))]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let vpc = param("vpc").filter(|v| !v.trim().is_empty());
        Response::json(200, &matrix::matrix(live.net, &live.ev, &flow, &flow_text, vpc))
    }
}

/// The `tfvpc lint` arguments of the serve command line (its configuration and variables).
fn lint_args(args: &cli::ServeArgs) -> Result<cli::LintArgs> {
    let mut argv = vec!["tfvpc".to_string(), "lint".into(), "--format".into(), "json".into()];
    if let Some(c) = &args.config {
        argv.push("--config".into());
        argv.push(c.display().to_string());
    }
    // The HCL variables, in their command-line order.
    let vars = &args.var_args;
    let mut given: Vec<(usize, [String; 2])> = vars
        .vars
        .iter()
        .map(|o| (o.seq, ["--var".to_string(), format!("{}={}", o.value.0, o.value.1)]))
        .chain(vars.var_files.iter().map(|o| (o.seq, ["--var-file".to_string(), o.value.display().to_string()])))
        .collect();
    given.sort_by_key(|(seq, _)| *seq);
    argv.extend(given.into_iter().flat_map(|(_, pair)| pair));
    argv.push(args.input.clone());
    match <Cli as clap::Parser>::try_parse_from(&argv) {
        Ok(Cli { command: cli::Command::Lint(lint) }) => Ok(lint),
        _ => Err(Error::usage("tfvpc serve: could not build the lint of the input", "report this as a bug")),
    }
}

/// The network and the lint report (JSON) of a document: the prepared one or an edit of it.
fn relint(prepared: &Prepared, doc: &crate::ingest::Document) -> (Network, String) {
    let (report, net) = lint::report_of_one(lint::check_prepared(prepared, doc, false));
    (net, report::json::render(&report))
}

fn error_response(e: &Error) -> Response {
    use miette::Diagnostic;
    let help = e.help().map(|h| h.to_string());
    Response::json(400, &json!({"error": e.to_string(), "help": help}))
}
