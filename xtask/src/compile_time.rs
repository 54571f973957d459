//! `cargo xtask compile-time DOCUMENT`: what a generated crate costs its users on every
//! clean build. The crate is generated under `target/compile-time/`, its dependencies
//! are built once, then `cargo check` of the crate alone runs `--runs` times from clean;
//! each run's CPU time (user + system, of cargo and every rustc it waits for) and peak
//! memory (the largest process) come from the kernel's accounting of the finished
//! process tree (`wait4`), so nothing is sampled.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use generator::package::{self, Runtime};
use generator::{Options, generate};

use crate::codegen::workspace_root;
use crate::workspace::{cargo_program, write_workspace};

/// What one finished process tree used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usage {
    pub wall: Duration,
    /// User plus system time of the process and every descendant it waited for.
    pub cpu: Duration,
    /// Peak resident memory of the largest of those processes, in bytes.
    pub peak_bytes: u64,
    pub success: bool,
}

/// The `compile-time` command's arguments.
#[derive(clap::Args)]
pub struct Args {
    /// The OpenAPI document.
    document: std::path::PathBuf,
    /// An OpenAPI Overlay applied to the document.
    #[arg(long, value_name = "FILE")]
    overlay: Option<std::path::PathBuf>,
    /// How many clean checks to measure; the median is reported.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    runs: u32,
    /// Generate with both serde traits on every type (`Options::both_directions`).
    #[arg(long)]
    both_directions: bool,
    /// Cargo features of the generated crate to check with, instead of its defaults.
    #[arg(long, value_name = "FEATURES")]
    features: Option<String>,
}

pub fn run(args: &Args) -> Result<(), String> {
    let root = workspace_root();
    let out = root.join("target/compile-time");
    let options = Options {
        overlay: args.overlay.clone(),
        both_directions: args.both_directions,
        features: true,
        ..Options::default()
    };
    let output = generate(&args.document, &options).map_err(|d| d.to_string())?;
    let stem = args
        .document
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy();
    let name = package::crate_name(&format!("api-{stem}"));
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    write_workspace(&root, &out, std::slice::from_ref(&name))?;
    let runtime = Runtime::Path(root.join("runtime"));
    package::write_crate_with(&out.join(&name), &output, &name, &runtime, "")?;
    let lines = output
        .files
        .iter()
        .map(|(_, text)| text.lines().count())
        .sum::<usize>();
    eprintln!(
        "generated {} ({lines} lines of Rust)",
        args.document.display()
    );

    eprintln!("building dependencies…");
    let deps = measure(cargo_check(&out, "auth-runtime", None))?;
    if !deps.success {
        return Err("error: the runtime does not build".into());
    }
    eprintln!("dependencies built in {:.1} s", deps.wall.as_secs_f64());

    let mut runs = Vec::new();
    for run in 1..=args.runs {
        let clean = Command::new(cargo_program())
            .args(["clean", "--quiet", "-p", &name])
            .current_dir(&out)
            .env("CARGO_TARGET_DIR", out.join("target"))
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !clean.success() {
            return Err("error: cargo clean failed".into());
        }
        let usage = measure(cargo_check(&out, &name, args.features.as_deref()))?;
        if !usage.success {
            return Err(format!("error: cargo check of {name} failed"));
        }
        eprintln!("run {run}: {}", describe(&usage));
        runs.push(usage);
    }
    let median = median(&mut runs);
    println!(
        "{}: clean `cargo check` {} (median of {})",
        args.document.display(),
        describe(&median),
        args.runs
    );
    Ok(())
}

/// `cargo check -p PACKAGE` in the measuring workspace, not incremental (a clean build
/// is what is measured) and with the crate's defaults unless `features` are named.
fn cargo_check(dir: &Path, package: &str, features: Option<&str>) -> Command {
    let mut command = Command::new(cargo_program());
    command
        .args(["check", "--quiet", "-p", package])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("CARGO_INCREMENTAL", "0");
    if let Some(features) = features {
        command.args(["--no-default-features", "--features", features]);
    }
    command
}

fn describe(usage: &Usage) -> String {
    format!(
        "{:.1} s CPU, {:.2} GiB peak, {:.1} s wall",
        usage.cpu.as_secs_f64(),
        usage.peak_bytes as f64 / f64::from(1u32 << 30),
        usage.wall.as_secs_f64()
    )
}

/// The run of median CPU time.
pub fn median(runs: &mut [Usage]) -> Usage {
    runs.sort_by_key(|usage| usage.cpu);
    runs[runs.len() / 2]
}

/// Runs `command` to its end and reads what its whole process tree used.
pub fn measure(mut command: Command) -> Result<Usage, String> {
    let started = Instant::now();
    let child = command
        .spawn()
        .map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))?;
    let pid = libc::pid_t::try_from(child.id()).map_err(|e| e.to_string())?;
    let mut status = 0;
    // SAFETY: `rusage` is plain data that `wait4` fills; a zeroed value is valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // `wait4` reaps the child (so `child` must not be waited for again) and reports
    // its own usage plus that of every descendant it reaped, peak memory included.
    // SAFETY: both pointers are to live locals of the types `wait4` expects.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if reaped != pid {
        return Err(format!("wait4: {}", std::io::Error::last_os_error()));
    }
    let time = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    Ok(Usage {
        wall: started.elapsed(),
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        // Linux reports kilobytes.
        peak_bytes: u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024,
        success: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn python(code: &str) -> Command {
        let mut command = Command::new("python3");
        command.args(["-c", code]);
        command
    }

    #[test]
    fn peak_memory_and_cpu_of_a_grandchild_count() {
        // The measured process starts a grandchild that holds 200 MB and spins a while,
        // as cargo starts rustc.
        let grandchild = "x = bytearray(200 * 1024 * 1024); n = sum(range(3_000_000))";
        let usage = measure(python(&format!(
            "import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild:?}], check=True)"
        )))
        .unwrap();
        assert!(usage.success);
        assert!(usage.peak_bytes >= 200 * 1024 * 1024, "{usage:?}");
        assert!(usage.peak_bytes < 1024 * 1024 * 1024, "{usage:?}");
        assert!(usage.cpu >= Duration::from_millis(20), "{usage:?}");
        assert!(
            usage.cpu <= usage.wall * 2 + Duration::from_millis(50),
            "{usage:?}"
        );
    }

    #[test]
    fn failures_are_told_apart() {
        let usage = measure(python("import sys; sys.exit(3)")).unwrap();
        assert!(!usage.success);
        assert!(measure(Command::new("/nonexistent/program")).is_err());
    }

    #[test]
    fn the_median_run_is_the_middle_cpu_time() {
        let run = |ms| Usage {
            wall: Duration::ZERO,
            cpu: Duration::from_millis(ms),
            peak_bytes: ms,
            success: true,
        };
        let mut runs = [run(30), run(10), run(20)];
        assert_eq!(median(&mut runs).peak_bytes, 20);
    }
}
