//! Exports that run on a background thread so the window stays responsive, reporting
//! progress (`done` of `total` export units) that a progress bar can poll.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::formats::{ExportFormat, ExportOptions};
use crate::model::Project;

/// An export running on its own thread.
pub struct ExportJob {
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
    /// The message to show when it has finished (success or the error).
    result: Arc<Mutex<Option<String>>>,
}

impl ExportJob {
    /// Starts exporting a snapshot of `project` (the user may go on editing meanwhile).
    pub fn start(project: Project, format: ExportFormat, out: PathBuf) -> Self {
        let job = ExportJob {
            done: Default::default(),
            total: Default::default(),
            result: Default::default(),
        };
        let (done, total, result) = (job.done.clone(), job.total.clone(), job.result.clone());
        let opts = ExportOptions {
            annotator: None,
            bom: true,
            labels: None,
            split_clitics: false,
        };
        std::thread::spawn(move || {
            let r = crate::formats::export(&project, format, &out, &opts, &mut |d, t| {
                done.store(d, Ordering::Relaxed);
                total.store(t, Ordering::Relaxed);
            });
            let msg = match r {
                Ok(rep) => format!(
                    "Exported {} ({}) to {}",
                    crate::model::words::count(rep.files.len(), "file", "files"),
                    format.name(),
                    out.display()
                ),
                Err(e) => format!("Export failed: {e}"),
            };
            if let Ok(mut slot) = result.lock() {
                *slot = Some(msg);
            }
        });
        job
    }

    /// (done, total) so far; total is at least 1.
    pub fn progress(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed).max(1),
        )
    }

    /// The final message once the export has finished (taken: returned once).
    pub fn finished(&self) -> Option<String> {
        self.result.lock().ok().and_then(|mut r| r.take())
    }

    /// Blocks until the export has finished (tests, quitting) and returns its message.
    pub fn wait(&self) -> String {
        loop {
            if let Some(msg) = self.finished() {
                return msg;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
