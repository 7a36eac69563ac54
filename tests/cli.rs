//! The command line as a user meets it: a reader that stops early (`| head`), shell
//! completions and the man page, `--version`, GUI options next to a subcommand, and
//! clap's errors for malformed values. The list of subcommands comes from clap itself
//! (`hashiya::cli::Cli::command()`), so adding a subcommand without covering it here, in
//! the completions or in the man page fails a test.
//!
//! A closed pipe: the program must end without a panic and without a message, with the
//! status a pipeline expects. On Unix that is death by SIGPIPE (what `cat` and `grep` do;
//! a shell reports 141 and `set -o pipefail` scripts see the reader's choice), or success
//! when the whole output fit in the pipe before the reader left. Elsewhere it is success.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};

use hashiya::cli::Cli;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn hashiya(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hashiya"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The subcommands a user sees (not `debug`, which only the reliability tests use).
fn visible_subcommands() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_owned())
        .collect()
}

/// Success, or killed by SIGPIPE (Unix).
fn ended_quietly(status: ExitStatus) -> bool {
    if status.success() {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        status.signal() == Some(libc::SIGPIPE)
    }
    #[cfg(not(unix))]
    false
}

/// Runs `hashiya args`, reads a few bytes of its output, closes the pipe and waits.
fn read_a_little_then_close(args: &[String], dir: &Path) -> (ExitStatus, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hashiya"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = [0u8; 16];
    let n = stdout.read(&mut buf).unwrap();
    assert!(n > 0, "{args:?} printed nothing");
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (child.wait().unwrap(), stderr)
}

#[test]
fn every_subcommand_ends_quietly_when_its_reader_stops_early() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sample = root().join("projects/derna-sirte.json");
    let other = root().join("projects/derna-sirte.annotator-b.json");
    std::fs::copy(&sample, d.join("p.json")).unwrap();
    // A text whose layout JSON is far larger than a pipe's buffer, so the pipe really
    // closes while the program is still writing.
    let doc = &hashiya::debug::sample().unwrap().documents[0].text;
    std::fs::write(d.join("long.txt"), doc.repeat(8)).unwrap();
    std::fs::write(d.join("in.txt"), "نص قصير.\n").unwrap();

    let s = |p: &Path| p.display().to_string();
    let mut runs: Vec<Vec<String>> = vec![
        vec!["validate".into(), s(&sample), s(&other)],
        vec!["fmt".into(), "p.json".into()],
        vec!["schema".into()],
        vec!["agree".into(), s(&sample), s(&other)],
        vec!["agree".into(), s(&sample), s(&other), "--json".into()],
        vec!["agree".into(), s(&sample), s(&other), "--csv".into()],
        vec!["agree".into(), s(&sample), s(&other), "--html".into()],
        vec![
            "agree".into(),
            s(&sample),
            s(&other),
            "--dump-tokens".into(),
        ],
        vec![
            "export".into(),
            "--format".into(),
            "jsonl".into(),
            s(&sample),
            "out.jsonl".into(),
        ],
        vec![
            "import".into(),
            "--format".into(),
            "text".into(),
            "in.txt".into(),
            "--into".into(),
            "new.json".into(),
        ],
        vec![
            "layout".into(),
            "--text-file".into(),
            "long.txt".into(),
            "--width".into(),
            "300".into(),
            "--range".into(),
            "0:50".into(),
        ],
        vec!["manpage".into()],
        vec![
            "assign".into(),
            s(&sample),
            "--annotators".into(),
            "a,b".into(),
            "--per-document".into(),
            "2".into(),
            "--out".into(),
            "team".into(),
        ],
        vec![
            "collect".into(),
            "--into".into(),
            "collected.json".into(),
            s(&sample),
            s(&other),
        ],
        vec!["status".into(), s(&sample), s(&other)],
        vec!["suggest".into(), s(&sample)],
        vec!["status".into(), s(&sample), s(&other), "--json".into()],
        // Prints forever: only the closed pipe ends it.
        vec![
            "debug".into(),
            "save-loop".into(),
            "loop.json".into(),
            "--spans".into(),
            "1".into(),
        ],
    ];
    for shell in ["bash", "zsh", "fish"] {
        runs.push(vec!["completions".into(), shell.into()]);
    }
    // `merge` writes its result over OURS and one line on stderr (git shows it), never
    // on stdout: a closed stdout cannot reach it.
    let mut covered: Vec<&str> = runs.iter().map(|r| r[0].as_str()).collect();
    covered.push("merge");
    // `git-setup` needs a git repository and prints two short lines; it is run in
    // tests/team_merge.rs.
    covered.push("git-setup");
    for sub in visible_subcommands() {
        assert!(
            covered.contains(&sub.as_str()),
            "add a run of `hashiya {sub}` to this test"
        );
    }
    for args in &runs {
        let (status, stderr) = read_a_little_then_close(args, d);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?} printed on stderr: {stderr}");
        assert!(ended_quietly(status), "{args:?}: {status}");
    }
}

#[test]
fn completions_and_the_man_page_cover_every_subcommand() {
    let subs = visible_subcommands();
    for expected in [
        "validate",
        "fmt",
        "schema",
        "agree",
        "export",
        "import",
        "layout",
        "completions",
        "manpage",
    ] {
        assert!(subs.iter().any(|s| s == expected), "{expected} in {subs:?}");
    }
    for shell in ["bash", "zsh", "fish"] {
        let out = hashiya(&["completions", shell]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let script = text(&out.stdout);
        for s in &subs {
            // How each script names a subcommand it completes.
            let entry = match shell {
                "bash" => format!("hashiya,{s})"),
                "zsh" => format!("'{s}:"),
                _ => format!("-a \"{s}\""),
            };
            assert!(script.contains(&entry), "{shell} completions lack {s}");
        }
    }
    let out = hashiya(&["manpage"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(page.contains(".TH hashiya 1"), "{page}");
    for s in &subs {
        assert!(
            // roff escapes every hyphen: git-setup is written git\-setup.
            page.contains(&format!("hashiya\\-{}(1)", s.replace('-', "\\-"))),
            "the man page lacks {s}"
        );
    }

    // --dir: one page per subcommand.
    let dir = tempfile::tempdir().unwrap();
    let out = hashiya(&["manpage", "--dir", &dir.path().display().to_string()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("hashiya.1").is_file());
    for s in &subs {
        assert!(dir.path().join(format!("hashiya-{s}.1")).is_file(), "{s}");
    }
}

#[test]
fn version_names_the_project_format_it_writes() {
    let out = hashiya(&["--version"]);
    assert!(out.status.success());
    let v = text(&out.stdout);
    assert!(v.contains(env!("CARGO_PKG_VERSION")), "{v}");
    assert!(
        v.contains(&format!(
            "{} format version {}",
            hashiya::store::FORMAT,
            hashiya::store::VERSION
        )),
        "{v}"
    );
}

#[test]
fn gui_options_are_refused_with_a_subcommand() {
    let cmd = Cli::command();
    let gui_args: Vec<_> = cmd
        .get_arguments()
        .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
        .collect();
    assert!(gui_args.len() >= 7, "{gui_args:?}");
    for arg in gui_args {
        let mut args: Vec<String> = Vec::new();
        match arg.get_long() {
            Some(long) => {
                args.push(format!("--{long}"));
                if arg.get_action().takes_values() {
                    args.push("x".into());
                }
            }
            None => args.push("projects/derna-sirte.json".into()),
        }
        args.push("schema".into());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = hashiya(&refs);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            err.contains(" of the GUI and cannot be used with the subcommand 'schema'"),
            "{args:?}: {err}"
        );
        assert!(err.contains(&args[0]), "{args:?}: {err}");
    }
    // After the subcommand, they are simply unknown to it.
    let out = hashiya(&["schema", "--dark"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unexpected argument '--dark'"));
}

#[test]
fn malformed_layout_values_get_clap_errors_naming_the_expected_form() {
    let cases = [
        (
            "--range",
            "10-15",
            "invalid value '10-15' for '--range <S:E>': expected START:END in code points",
        ),
        (
            "--range",
            "15:10",
            "invalid value '15:10' for '--range <S:E>'",
        ),
        (
            "--hit",
            "12;30",
            "invalid value '12;30' for '--hit <X,Y>': expected X,Y in pixels",
        ),
        (
            "--width",
            "0",
            "invalid value '0' for '--width <WIDTH>': expected a number of pixels above 0",
        ),
    ];
    for (option, value, expected) in cases {
        let out = hashiya(&["layout", "--text-file", "README.md", option, value]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{option} {value}: {err}");
        assert!(err.contains(expected), "{option} {value}: {err}");
    }
    // Negative coordinates are values, not options.
    let out = hashiya(&["layout", "--text-file", "README.md", "--hit", "-5,3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // `--json` was accepted and ignored (JSON is the only output): now refused.
    let out = hashiya(&["layout", "--text-file", "README.md", "--json"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_failure_is_one_message_and_status_1() {
    let out = hashiya(&["validate", "projects/derna-sirte.json", "no-such.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("projects/derna-sirte.json: ok — 1 document, "));
    let err = text(&out.stderr);
    assert!(err.starts_with("error: no-such.json"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[cfg(not(feature = "gui"))]
#[test]
fn without_the_gui_feature_no_subcommand_is_a_usage_error() {
    let out = hashiya(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("has no GUI"));
}

/// Issue #25, item 19: every `see README, "SECTION"` in the help names a section the
/// README has (`status --help` named one that did not exist).
#[test]
fn help_texts_name_readme_sections_that_exist() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let headings: Vec<&str> = readme
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .collect();
    let mut cmd = Cli::command();
    cmd.build();
    let mut named = Vec::new();
    let mut help = Vec::new();
    for sub in cmd.get_subcommands() {
        for arg in sub.get_arguments() {
            for h in [arg.get_help(), arg.get_long_help()].into_iter().flatten() {
                help.push(h.to_string());
            }
        }
        for h in [sub.get_about(), sub.get_long_about()]
            .into_iter()
            .flatten()
        {
            help.push(h.to_string());
        }
    }
    for h in &help {
        let mut rest = h.as_str();
        while let Some(at) = rest.find("README, \"") {
            let after = &rest[at + "README, \"".len()..];
            let end = after.find('"').unwrap();
            named.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    assert!(
        named.iter().any(|n| n == "`hashiya status` JSON"),
        "{named:?}"
    );
    for n in &named {
        assert!(
            headings.contains(&n.as_str()),
            "the help names README section «{n}», which README.md does not have"
        );
    }
}

/// Issue #25, item 19: `suggest --annotator` with a name the project does not know is
/// refused, naming the annotators it has.
#[test]
fn suggest_refuses_an_unknown_annotator() {
    let out = hashiya(&[
        "suggest",
        "projects/derna-sirte.json",
        "--annotator",
        "nobody",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("no annotator «nobody»") && err.contains("«annotator-a»"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let out = hashiya(&[
        "suggest",
        "projects/derna-sirte.json",
        "--annotator",
        "annotator-a",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// Issue #25, item 13: `import --into` a symbolic link extends the project it points
/// to (the link stays a link), and `export` to a FIFO is refused, leaving it a FIFO.
#[cfg(unix)]
#[test]
fn links_are_followed_and_fifos_refused_by_import_and_export() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.json");
    std::fs::copy(root().join("projects/derna-sirte.json"), &real).unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    let txt = dir.path().join("new.txt");
    std::fs::write(&txt, "خبر جديد من سرت.\n").unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let out = hashiya(&["import", "--format", "text", &s(&txt), "--into", &s(&link)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let p = hashiya::store::load(&real).unwrap().project;
    assert_eq!(
        p.documents.len(),
        2,
        "the project the link points to got the text"
    );

    let fifo = dir.path().join("out.jsonl");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"SKIP: links_are_followed_and_fifos_refused_by_import_and_export: mkfifo failed\n",
        );
        return;
    }
    let out = hashiya(&["export", "--format", "jsonl", &s(&real), &s(&fifo)]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("FIFO") && err.contains("out.jsonl"), "{err}");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

/// Issue #25, item 19: an option that names a folder, given a file, says so in words
/// (it was "File exists (os error 17)").
#[test]
fn a_file_where_a_folder_is_expected_is_said_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let f = file.to_str().unwrap();
    for args in [
        vec![
            "assign",
            "projects/derna-sirte.json",
            "--annotators",
            "a,b",
            "--per-document",
            "1",
            "--out",
            f,
        ],
        vec!["manpage", "--dir", f],
    ] {
        let out = hashiya(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("is a file, not a folder") && !err.contains("os error"),
            "{args:?}: {err}"
        );
        assert_eq!(std::fs::read(&file).unwrap(), b"x");
    }
}
