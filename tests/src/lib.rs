//! Shared by the tests in `tests/`: a scratch Cargo workspace where generated crates are
//! compiled and their doctests run, as a user's build would.

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::Output;
use generator::package::{self, Runtime};

/// A Cargo workspace under the target directory, with its own target directory, so
/// its dependencies are built once and kept between runs.
pub struct Scratch {
    dir: PathBuf,
    members: Vec<String>,
    env: Vec<(String, String)>,
}

/// What a Cargo run printed, and whether it succeeded.
pub struct Run {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Scratch {
    /// A workspace named `name` under `target_tmp` (`env!("CARGO_TARGET_TMPDIR")`),
    /// with this repository's lock file so its crates resolve to the same versions.
    pub fn new(target_tmp: &str, name: &str) -> Scratch {
        let dir = Path::new(target_tmp).join(name);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        let lock = repository_root().join("Cargo.lock");
        std::fs::copy(lock, dir.join("Cargo.lock")).expect("copy Cargo.lock");
        Scratch {
            dir,
            members: Vec::new(),
            env: Vec::new(),
        }
    }

    /// An environment variable for the crates' tests (a server's URL).
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.push((key.to_owned(), value.to_owned()));
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the generated API as the member crate `name`.
    pub fn add(&mut self, name: &str, output: &Output) -> PathBuf {
        let name = package::crate_name(name);
        let out = self.dir.join(&name);
        let runtime = Runtime::Path(repository_root().join("runtime"));
        package::write_crate(&out, output, &name, &runtime).expect("crate written");
        self.members.push(name);
        out
    }

    /// Adds a hand-written integration test (a file of `tests/fidelity/`) to the member
    /// crate `name`, to run against its generated types.
    pub fn add_test(&self, name: &str, test: &Path) {
        let crate_dir = self.dir.join(package::crate_name(name));
        let dir = crate_dir.join("tests");
        std::fs::create_dir_all(&dir).expect("tests directory");
        std::fs::copy(test, dir.join("roundtrip.rs")).expect("copy the test");
        // What the tests use besides the crate's own dependencies.
        let manifest = crate_dir.join("Cargo.toml");
        let mut text = std::fs::read_to_string(&manifest).expect("manifest");
        text.push_str(DEV_DEPENDENCIES);
        std::fs::write(manifest, text).expect("manifest");
    }

    /// Several generated APIs as modules `name::<module>` of one member crate, so that
    /// one compilation checks them all.
    pub fn add_modules(&mut self, name: &str, modules: &[(String, Output)]) -> PathBuf {
        let first = &modules.first().expect("at least one module").1;
        let out = self.add(name, first);
        let src = out.join("src");
        std::fs::remove_dir_all(&src).expect("clear src");
        let mut lib = String::new();
        for (module, output) in modules {
            lib.push_str(&format!("pub mod {module};\n"));
            let dir = src.join(module);
            std::fs::create_dir_all(&dir).expect("module directory");
            for (file, text) in &output.files {
                std::fs::write(dir.join(file), text).expect("module file");
            }
        }
        std::fs::write(src.join("lib.rs"), lib).expect("lib.rs");
        out
    }

    /// Runs `cargo <args>` on the workspace, warnings denied in its own crates.
    pub fn cargo(&self, args: &[&str]) -> Run {
        self.cargo_with(args, &[])
    }

    /// [`Scratch::cargo`] with more environment variables.
    pub fn cargo_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let members: Vec<String> = self.members.iter().map(|m| format!("{m:?}")).collect();
        let manifest = format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        );
        std::fs::write(self.dir.join("Cargo.toml"), manifest).expect("workspace manifest");
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(args)
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", self.dir.join("target"))
            .env("RUSTFLAGS", "-D warnings")
            .env_remove("RUSTDOCFLAGS")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .envs(env.iter().copied())
            .output()
            .expect("cargo runs");
        Run {
            success: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

const DEV_DEPENDENCIES: &str = "
[dev-dependencies]
tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }
wiremock = \"0.6\"
";

/// The repository's root directory.
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}
