//! Running a driver against a validator: Prism first, openapi-core for what Prism cannot
//! judge, a validator restarted when it dies on a request.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::driver::driver_name;
use super::{Outcome, Prepared, Verdict};
use interop::Interop;

/// How long a validator may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs one document's driver against Prism, or the second validator when Prism cannot
/// start on it.
pub(super) fn check(
    interop: &Interop,
    out: &Path,
    document: &Prepared,
) -> (&'static str, Vec<Outcome>) {
    let log = out.join(format!("{}.log", document.crate_name));
    let prism = |port| interop.prism(&document.served, port);
    let validator = |port| interop.validator(&document.served, &document.responses, port);
    match Server::start(&prism, &log) {
        Ok(server) => {
            let mut outcomes = drive(out, server, &prism, document);
            let second = answered_by_second(out, &validator, document, &mut outcomes);
            for outcome in outcomes
                .iter_mut()
                .filter(|o| o.verdict != Verdict::Conformant)
            {
                if document.ambiguous.contains(&outcome.operation) {
                    outcome.verdict = Verdict::Skipped;
                    outcome.detail = format!(
                        "the document gives this operation the wire path of another (its path differs only by a `#` fragment), so a validator judges it as that one: {}",
                        outcome.detail
                    );
                }
            }
            (
                if second {
                    "prism+openapi-core"
                } else {
                    "prism"
                },
                outcomes,
            )
        }
        Err(why) => {
            eprintln!("  prism: {why}; using openapi-core");
            match Server::start(&validator, &log) {
                Ok(server) => ("openapi-core", drive(out, server, &validator, document)),
                Err(why) => {
                    let detail = format!("no validator could start: {why}");
                    let outcomes = document
                        .operations
                        .iter()
                        .map(|operation| Outcome::failed(operation, &detail));
                    ("none", outcomes.collect())
                }
            }
        }
    }
}

/// Operations whose request Prism accepted but for which it could not produce an answer
/// the document accepts (or whose answer broke the document so that it did not decode)
/// are called again against the second validator, which answers with a synthesized
/// response it has validated. Returns whether it was needed.
fn answered_by_second(
    out: &Path,
    validator: &Launch,
    document: &Prepared,
    outcomes: &mut [Outcome],
) -> bool {
    let again: Vec<String> = outcomes
        .iter()
        .filter(|o| {
            let skipped = |why: &str| o.verdict == Verdict::Skipped && o.detail.contains(why);
            o.verdict == Verdict::Undecoded
                || skipped(NO_ANSWER)
                || skipped(CRASHED)
                || skipped(PARTS)
        })
        .map(|o| o.operation.clone())
        .collect();
    if again.is_empty() {
        return false;
    }
    let log = out.join(format!("{}.openapi-core.log", document.crate_name));
    let server = match Server::start(validator, &log) {
        Ok(server) => server,
        Err(why) => {
            eprintln!("  openapi-core: {why}");
            return false;
        }
    };
    let second = Prepared {
        operations: again,
        ..document.clone()
    };
    for retried in drive(out, server, validator, &second) {
        if let Some(outcome) = outcomes
            .iter_mut()
            .find(|o| o.operation == retried.operation)
        {
            let prism: String = outcome.detail.chars().take(300).collect();
            *outcome = Outcome {
                detail: format!(
                    "judged by openapi-core: {} (Prism: {prism})",
                    retried.detail
                ),
                ..retried
            };
        }
    }
    true
}

/// How a skip for Prism's reading of multipart parts is worded.
const PARTS: &str = "Prism reads multipart parts as text and refused a JSON part";

/// How a skip for a validator that died on a request is worded.
const CRASHED: &str = "the validator crashed on this request";

/// How a skip for want of an answer is worded.
const NO_ANSWER: &str = "the validator could not produce an answer its document accepts";

/// How to start a validator on a port.
type Launch<'a> = dyn Fn(u16) -> Result<(Command, u16), String> + 'a;

/// A validator process listening on a loopback port, logging to a file.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    /// Starts a validator and waits until its port accepts connections.
    fn start(launch: &Launch, log: &Path) -> Result<Server, String> {
        let (mut command, port) = launch(free_port())?;
        let file = std::fs::File::create(log).map_err(|e| e.to_string())?;
        let err = file.try_clone().map_err(|e| e.to_string())?;
        let mut child = command
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start: {e}"))?;
        let started = Instant::now();
        while started.elapsed() < START_TIMEOUT {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(Server { child, port });
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("exited ({status}): {}", last_error(log)));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let _ = child.kill();
        let _ = child.wait();
        Err(format!(
            "did not start within {} s",
            START_TIMEOUT.as_secs()
        ))
    }

    fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The last line of a validator's log that names an error (why it stopped).
fn last_error(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let line = text
        .lines()
        .rev()
        .find(|l| l.contains("Error"))
        .unwrap_or("no reason logged");
    line.trim().chars().take(200).collect()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_or(4010, |a| a.port())
}

/// Calls every operation through the driver. When the validator dies on a request (Prism
/// does on some documents), that operation is skipped with the validator's reason, and
/// the validator is restarted for the operations after it.
fn drive(out: &Path, mut server: Server, launch: &Launch, document: &Prepared) -> Vec<Outcome> {
    let binary = out
        .join("target/debug/examples")
        .join(driver_name(&document.crate_name));
    let log = out.join(format!("{}.log", document.crate_name));
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut pending: Vec<String> = document.operations.clone();
    while !pending.is_empty() {
        let lines = run_driver(&binary, server.port, &pending);
        let mut ran: Vec<Outcome> = lines
            .iter()
            .map(|(operation, text)| classify(operation, text))
            .collect();
        if server.is_running() {
            outcomes.append(&mut ran);
            break;
        }
        // The validator died: keep what came before the first unanswered call, skip that
        // call with the reason, and go on after it with a new validator.
        let crash = ran
            .iter()
            .position(|o| o.detail.contains("API: "))
            .unwrap_or(ran.len());
        let reason = last_error(&log);
        ran.truncate(crash);
        outcomes.append(&mut ran);
        let Some(victim) = pending.get(crash).cloned() else {
            break;
        };
        outcomes.push(Outcome {
            operation: victim,
            verdict: Verdict::Skipped,
            detail: format!("{CRASHED}: {reason}"),
        });
        pending.drain(..=crash);
        server =
            match Server::start(launch, &log) {
                Ok(server) => server,
                Err(why) => {
                    outcomes.extend(pending.iter().map(|o| {
                        Outcome::failed(o, &format!("the validator did not restart: {why}"))
                    }));
                    break;
                }
            };
    }
    document
        .operations
        .iter()
        .map(|operation| {
            let found = outcomes.iter().find(|o| &o.operation == operation).cloned();
            found.unwrap_or_else(|| {
                Outcome::failed(operation, "the driver stopped before calling it")
            })
        })
        .collect()
}

/// The driver's `(operation, text)` lines for `operations`.
fn run_driver(binary: &Path, port: u16, operations: &[String]) -> Vec<(String, String)> {
    let child = Command::new(binary)
        .arg(format!("http://127.0.0.1:{port}"))
        .args(operations)
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped())
        .spawn();
    let mut lines = Vec::new();
    if let Ok(mut child) = child {
        if let Some(stdout) = child.stdout.take() {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some((operation, text)) = line.split_once('\t') {
                    lines.push((operation.to_owned(), text.to_owned()));
                }
            }
        }
        let _ = child.wait();
    }
    lines
}

impl Outcome {
    fn failed(operation: &str, detail: &str) -> Outcome {
        Outcome {
            operation: operation.to_owned(),
            verdict: Verdict::Failed,
            detail: detail.to_owned(),
        }
    }
}

/// The verdict of one driver line.
fn classify(operation: &str, text: &str) -> Outcome {
    let (tag, rest) = text.split_once(' ').unwrap_or((text, ""));
    // What Prism answers when the document gives it nothing to answer with.
    let nothing_to_answer = [
        "NO_RESPONSE_RESPONSE_DEFINED",
        "NO_RESPONSE_DEFINED",
        "NOT_IMPLEMENTED",
        "NO_COMPLEX_OBJECT_TEXT",
    ];
    let (verdict, detail) = match tag {
        _ if nothing_to_answer.iter().any(|n| rest.contains(n)) => (
            Verdict::Skipped,
            format!("the document gives the validator no answer to send: {rest}"),
        ),
        _ if rest.contains("\"validator_error\"") => (
            Verdict::Skipped,
            format!("the validator failed on this request: {rest}"),
        ),
        "OK" => (Verdict::Conformant, rest.to_owned()),
        "REJECTED" => (Verdict::Rejected, rest.to_owned()),
        "DECODE" => (Verdict::Undecoded, rest.to_owned()),
        "PARTS" => (Verdict::Skipped, format!("{PARTS}: {rest}")),
        "NORESPONSE" => (Verdict::Skipped, format!("{NO_ANSWER}: {rest}")),
        _ => (Verdict::Failed, rest.to_owned()),
    };
    Outcome {
        operation: operation.to_owned(),
        verdict,
        detail,
    }
}
