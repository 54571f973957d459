//! The real servers that tests and `cargo xtask conformance` talk to, installed on
//! first use from the lockfiles in `interop/` into `target/interop` (Node.js and Python
//! are on every machine; nothing is installed by hand):
//! - Prism and oauth2-mock-server, from `interop/package-lock.json` with `npm ci`;
//! - openapi-core, from `interop/requirements.txt` with `pip` into a virtual environment.
//!
//! An installation is redone when its lockfile changes (a copy of the lockfile it was
//! installed from is kept beside it); a file lock makes concurrent test processes wait
//! for one installation instead of racing.

mod oauth;

use std::path::{Path, PathBuf};
use std::process::Command;

pub use oauth::{OAuthServer, OAuthServerConfig};

pub struct Interop {
    /// `interop/` in the repository.
    sources: PathBuf,
    /// `target/interop`.
    installed: PathBuf,
}

impl Interop {
    /// The installation of the repository at `root`.
    pub fn new(root: &Path) -> Result<Self, String> {
        let installed = root.join("target/interop");
        std::fs::create_dir_all(&installed).map_err(|e| e.to_string())?;
        Ok(Self {
            sources: root.join("interop"),
            installed,
        })
    }

    /// `prism mock DOCUMENT --errors` on `port` of 127.0.0.1.
    pub fn prism(&self, document: &Path, port: u16) -> Result<(Command, u16), String> {
        self.install_prism()?;
        let mut command = Command::new(self.installed.join("node_modules/.bin/prism"));
        command.arg("mock").arg(document).args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "--errors",
        ]);
        Ok((command, port))
    }

    /// `validator.py DOCUMENT RESPONSES PORT`: openapi-core on `port` of 127.0.0.1.
    pub fn validator(
        &self,
        document: &Path,
        responses: &Path,
        port: u16,
    ) -> Result<(Command, u16), String> {
        self.install_validator()?;
        let mut command = Command::new(self.installed.join("venv/bin/python"));
        command
            .arg(self.sources.join("validator.py"))
            .arg(document)
            .arg(responses)
            .arg(port.to_string());
        Ok((command, port))
    }

    /// The npm packages (Prism, oauth2-mock-server), installed when missing.
    pub fn install_npm(&self) -> Result<(), String> {
        self.install_prism()
    }

    fn install_prism(&self) -> Result<(), String> {
        self.install("package-lock.json", || {
            for file in ["package.json", "package-lock.json"] {
                std::fs::copy(self.sources.join(file), self.installed.join(file))
                    .map_err(|e| format!("{file}: {e}"))?;
            }
            run(Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&self.installed))
        })
    }

    fn install_validator(&self) -> Result<(), String> {
        self.install("requirements.txt", || {
            let venv = self.installed.join("venv");
            run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
            run(Command::new(venv.join("bin/pip"))
                .args([
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--no-deps",
                    "-r",
                ])
                .arg(self.sources.join("requirements.txt")))
        })
    }

    /// Runs `install` unless `lockfile` is what was installed last.
    fn install(
        &self,
        lockfile: &str,
        install: impl FnOnce() -> Result<(), String>,
    ) -> Result<(), String> {
        let wanted = std::fs::read(self.sources.join(lockfile)).map_err(|e| e.to_string())?;
        let stamp = self.installed.join(format!("installed-{lockfile}"));
        let lock = std::fs::File::create(self.installed.join(format!("installing-{lockfile}")))
            .map_err(|e| e.to_string())?;
        lock.lock().map_err(|e| e.to_string())?;
        if std::fs::read(&stamp).is_ok_and(|done| done == wanted) {
            return Ok(());
        }
        eprintln!(
            "installing interop/{lockfile} into {}",
            self.installed.display()
        );
        install()?;
        std::fs::write(&stamp, wanted).map_err(|e| e.to_string())
    }
}

fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}
