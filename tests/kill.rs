//! Kill test: a real `hashiya` process keeps saving a large project (`hashiya debug
//! save-loop`) and is killed with SIGKILL at random moments. After every kill the
//! project file must load and be byte-identical to a complete save — the last one the
//! process reported, or the next one if it was killed between the rename and the report
//! — and `<file>.bak` must load and be the save before the file's (or the same one, if
//! the kill came after the backup link of the next save). Temporary files of killed
//! saves must not pile up: the next save removes those of dead processes.
//!
//! `HASHIYA_KILLS` sets the number of kills (default 200), `HASHIYA_KILL_SEED` replays a
//! run, `HASHIYA_KILL_SPANS` sets the size of the project (default 20,000 spans).
#![cfg(unix)]

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use hashiya::debug::{sample, save_loop_project};
use hashiya::model::Project;
use hashiya::store::{self, atomic};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// xorshift64*: enough randomness for kill moments, replayable from the seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

/// The exact bytes of each iteration, computed once.
struct Expected {
    base: Project,
    spans: usize,
    cache: HashMap<u64, Vec<u8>>,
}
impl Expected {
    fn bytes(&mut self, i: u64) -> &[u8] {
        let (base, spans) = (&self.base, self.spans);
        self.cache
            .entry(i)
            .or_insert_with(|| store::to_bytes(&save_loop_project(base, i, spans)).unwrap())
    }
    /// Which of `candidates` the bytes are.
    fn which(&mut self, bytes: &[u8], candidates: &[u64]) -> Option<u64> {
        candidates.iter().copied().find(|&i| self.bytes(i) == bytes)
    }
    fn forget_before(&mut self, i: u64) {
        self.cache.retain(|&k, _| k + 1 >= i);
    }
}

fn spawn_loop(file: &Path, spans: usize, first: u64, iterations: Option<u64>) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hashiya"));
    cmd.args(["debug", "save-loop"]).arg(file).args([
        "--spans",
        &spans.to_string(),
        "--first",
        &first.to_string(),
    ]);
    if let Some(n) = iterations {
        cmd.args(["--iterations", &n.to_string()]);
    }
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start hashiya")
}

/// Reads the iteration numbers the child prints, on a thread.
fn reader(child: &mut Child) -> (mpsc::Receiver<u64>, std::thread::JoinHandle<()>) {
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let h = std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            let n: u64 = line.trim().parse().expect("save-loop prints numbers");
            if tx.send(n).is_err() {
                break;
            }
        }
    });
    (rx, h)
}

fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".p.json.tmp-"))
        .collect()
}

fn other_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(".p.json.tmp-") && n != "p.json" && n != "p.json.bak")
        .collect()
}

/// The iteration in the name of a save-loop file (`"name": "save-loop iteration N"`),
/// read from the start of the file without parsing it.
fn iteration_named(bytes: &[u8]) -> Option<u64> {
    let key = b"\"name\": \"save-loop iteration ";
    let head = &bytes[..bytes.len().min(300)];
    let at = head.windows(key.len()).position(|w| w == key)? + key.len();
    let digits: Vec<u8> = head[at..]
        .iter()
        .copied()
        .take_while(u8::is_ascii_digit)
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// What the main thread hands the worker after a kill.
struct Job {
    k: u64,
    reported: u64,
    bytes: Vec<u8>,
    bak_bytes: Vec<u8>,
}

#[derive(Default)]
struct Stats {
    at_reported: u64,
    at_next: u64,
    bak_same: u64,
    parsed: u64,
}

/// The full checks of each kill: the file is byte for byte save `reported` or
/// `reported + 1` and loads; the backup is the save before it (or the same) and loads.
fn verify(mut exp: Expected, inbox: mpsc::Receiver<Job>, seed: u64) -> Stats {
    let mut stats = Stats::default();
    // Iterations whose exact bytes were seen to load: the same bytes load again.
    let mut verified = std::collections::HashSet::new();
    let path = Path::new("p.json");
    for job in inbox {
        let Job {
            k,
            reported,
            bytes,
            bak_bytes,
        } = job;
        let Some(d) = exp.which(&bytes, &[reported, reported + 1]) else {
            panic!(
                "kill {k} (seed {seed}): after report {reported}, p.json ({} bytes) is neither save {reported} nor {}: {:?}",
                bytes.len(),
                reported + 1,
                store::parse(path, &bytes).map(|l| l.project.name)
            );
        };
        if d == reported {
            stats.at_reported += 1;
        } else {
            stats.at_next += 1;
        }
        if verified.insert(d) {
            let loaded = store::parse(path, &bytes).unwrap_or_else(|e| panic!("kill {k}: {e}"));
            assert_eq!(loaded.project.name, format!("save-loop iteration {d}"));
            assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
            stats.parsed += 1;
        }
        let b = exp
            .which(&bak_bytes, &[d.saturating_sub(1), d])
            .unwrap_or_else(|| {
                panic!(
                    "kill {k} (seed {seed}): p.json is save {d}, p.json.bak is neither {} nor {d}",
                    d.saturating_sub(1)
                )
            });
        if b == d {
            stats.bak_same += 1;
        }
        if verified.insert(b) {
            store::parse(path, &bak_bytes).unwrap_or_else(|e| panic!("kill {k}: backup: {e}"));
            stats.parsed += 1;
        }
        exp.forget_before(d);
    }
    stats
}

#[test]
fn sigkill_at_random_moments_never_loses_or_corrupts_the_file() {
    let kills = env_num("HASHIYA_KILLS", 200);
    let spans = env_num("HASHIYA_KILL_SPANS", 20_000) as usize;
    let seed = env_num(
        "HASHIYA_KILL_SEED",
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1,
    );
    eprintln!("kill test: {kills} kills, {spans} spans, HASHIYA_KILL_SEED={seed}");
    let mut rng = Rng(seed | 1);
    let started = Instant::now();

    let dir = tempfile::tempdir().unwrap();
    let file: PathBuf = dir.path().join("p.json");
    let bak = atomic::backup_path(&file);
    let mut exp = Expected {
        base: sample().unwrap(),
        spans,
        cache: HashMap::new(),
    };
    // Iteration 0, saved twice so that there is a backup from the start.
    let p0 = save_loop_project(&exp.base, 0, spans);
    store::save(&p0, &file).unwrap();
    store::save(&p0, &file).unwrap();

    // How long one save takes in the child, to aim kills inside saves.
    let mut child = spawn_loop(&file, spans, 1, Some(3));
    let (rx, h) = reader(&mut child);
    let t0 = Instant::now();
    let mut times = Vec::new();
    for n in rx.iter() {
        times.push((n, t0.elapsed()));
    }
    h.join().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(times.iter().map(|t| t.0).collect::<Vec<_>>(), [1, 2, 3]);
    let save = (times[2].1 - times[0].1) / 2;
    let startup = times[0].1.saturating_sub(save);
    eprintln!("one save takes {save:?}; start-up before the first save {startup:?}");
    let mut on_disk = 3u64;
    assert_eq!(fs::read(&file).unwrap(), exp.bytes(3));
    exp.forget_before(3);

    let save_us = save.as_micros().max(1) as u64;
    let startup_us = startup.as_micros() as u64;

    // The expensive checks (rebuilding the expected bytes, parsing 4 MB) run on a worker
    // thread while the next process saves; the main thread only reads the files and
    // decides where the next process starts.
    let (jobs, inbox) = mpsc::sync_channel::<Job>(2);
    let worker = std::thread::spawn(move || verify(exp, inbox, seed));
    let mut before_first_report = 0u64;
    let mut max_temps = 0usize;
    let mut left_temp = 0u64;
    for k in 0..kills {
        let first = on_disk + 1;
        let mut child = spawn_loop(&file, spans, first, None);
        let pid = child.id();
        let (rx, h) = reader(&mut child);
        let mut reported = on_disk;
        if rng.below(10) == 0 {
            // Anywhere from start-up to a little past the first save.
            std::thread::sleep(Duration::from_micros(rng.below(startup_us + save_us * 2)));
        } else {
            // After 0 or 1 reports, somewhere inside the following save.
            for _ in 0..rng.below(2) {
                match rx.recv_timeout(Duration::from_secs(60)) {
                    Ok(n) => reported = n,
                    Err(e) => panic!("kill {k}: no progress from save-loop: {e}"),
                }
            }
            std::thread::sleep(Duration::from_micros(rng.below(save_us + save_us / 4)));
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        h.join().unwrap();
        reported = rx.try_iter().last().unwrap_or(reported);
        if reported == on_disk {
            before_first_report += 1;
        }

        let bytes = fs::read(&file).unwrap();
        let bak_bytes = fs::read(&bak).unwrap();
        let d = iteration_named(&bytes).unwrap_or_else(|| {
            panic!(
                "kill {k} (seed {seed}): p.json has no save-loop name: {:?}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
            )
        });
        assert!(
            d == reported || d == reported + 1,
            "kill {k} (seed {seed}): after report {reported}, p.json is named iteration {d}"
        );
        // Leftovers: at most the temporary file and the staged backup of one process
        // (the last that started a save); the next save removes them.
        let temps = temp_files(dir.path());
        max_temps = max_temps.max(temps.len());
        if temps.iter().any(|t| t.contains(&format!("-{pid}-"))) {
            left_temp += 1; // killed while writing, before its rename
        }
        let pids: std::collections::BTreeSet<&str> = temps
            .iter()
            .filter_map(|t| t.strip_prefix(".p.json.tmp-")?.split('-').next())
            .collect();
        assert!(
            temps.len() <= 2 && pids.len() <= 1,
            "kill {k}: temporary files accumulate: {temps:?} (last pid {pid})"
        );
        assert!(
            other_files(dir.path()).is_empty(),
            "{:?}",
            other_files(dir.path())
        );
        let job = Job {
            k,
            reported,
            bytes,
            bak_bytes,
        };
        if jobs.send(job).is_err() {
            break; // the worker stopped on a failure: joining it reports it
        }
        on_disk = d;
    }
    drop(jobs);
    let stats = match worker.join() {
        Ok(stats) => stats,
        Err(e) => std::panic::resume_unwind(e),
    };
    let mut exp = Expected {
        base: sample().unwrap(),
        spans,
        cache: HashMap::new(),
    };

    // One more save, not killed: it removes what the last killed save left.
    let mut child = spawn_loop(&file, spans, on_disk + 1, Some(1));
    let (rx, h) = reader(&mut child);
    assert_eq!(rx.iter().collect::<Vec<_>>(), [on_disk + 1]);
    h.join().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
    assert_eq!(fs::read(&file).unwrap(), exp.bytes(on_disk + 1));

    eprintln!(
        "kill test: {kills} kills in {:.1?}: file at the last reported save {} times, at the next one {} times; \
         backup equal to the file {} times; {before_first_report} kills before the first report; \
         {left_temp} kills while writing the temporary file; {} distinct saves parsed; \
         saves reached: {on_disk}; at most {max_temps} temporary files left between saves",
        started.elapsed(),
        stats.at_reported,
        stats.at_next,
        stats.bak_same,
        stats.parsed,
    );
    assert!(
        on_disk > kills / 4,
        "the loop hardly progressed: {on_disk} saves"
    );
}

/// Temporary files of a dead process go on the next save; those of live processes,
/// of this process and of other files stay, unless a day old.
#[test]
fn next_save_removes_temporary_files_of_dead_processes_only() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.json");
    let project = sample().unwrap();
    store::save(&project, &file).unwrap();

    let mut dead = Command::new("true").spawn().unwrap();
    let dead_pid = dead.id();
    dead.wait().unwrap();
    let mut live = Command::new("sleep").arg("60").spawn().unwrap();
    let live_pid = live.id();
    let me = std::process::id();

    let touch = |name: &str| fs::write(dir.path().join(name), b"partial").unwrap();
    let dead_tmp = format!(".p.json.tmp-{dead_pid}-0");
    let dead_bak = format!(".p.json.tmp-{dead_pid}-1.bak");
    let live_tmp = format!(".p.json.tmp-{live_pid}-0");
    let live_old = format!(".p.json.tmp-{live_pid}-7");
    let mine = format!(".p.json.tmp-{me}-999999");
    let other_file = format!(".q.json.tmp-{dead_pid}-0");
    let not_ours = format!(".p.json.tmp-{dead_pid}-0.txt");
    for n in [
        &dead_tmp,
        &dead_bak,
        &live_tmp,
        &live_old,
        &mine,
        &other_file,
        &not_ours,
    ] {
        touch(n);
    }
    let two_days_ago = SystemTime::now() - Duration::from_secs(2 * 24 * 3600);
    fs::File::options()
        .write(true)
        .open(dir.path().join(&live_old))
        .unwrap()
        .set_modified(two_days_ago)
        .unwrap();

    store::save(&project, &file).unwrap();
    let _ = live.kill();
    let _ = live.wait();

    let mut left: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    let mut want = vec![
        "p.json".to_string(),
        "p.json.bak".to_string(),
        live_tmp,
        mine,
        other_file,
        not_ours,
    ];
    want.sort();
    assert_eq!(left, want);
}
