//! Opening a large project in two steps: the window shows a preview (the first
//! document with its sets, the schema and the entity registry: `store::preview`) at
//! once, while the whole file is parsed and validated on another thread; the full
//! workspace then takes the preview's place.
//!
//! The preview is read-only ([`Workspace::is_loading`]): every edit, save, import,
//! export or review is refused with a message until the full project has arrived, so nothing the
//! user does can be lost or written from a partial project. Files under
//! [`PREVIEW_MIN_BYTES`] are opened in one go, as are files without a quick preview
//! (not in canonical order, or whose first document has problems).

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use super::Workspace;
use crate::store::{self, FileStamp, Loaded, StoreError, limits};

/// Files from this size on are opened with a preview (a 16 MB project takes about
/// 150 ms to parse and validate on this machine).
pub const PREVIEW_MIN_BYTES: usize = 16 << 20;

/// What [`Workspace::open_progressive`] gives.
pub enum Opening {
    /// The whole project, opened in one go.
    Ready(Workspace),
    /// A read-only preview now, the whole project later.
    Preview(Workspace, PendingOpen),
}

/// A project opened for the user ([`Workspace::open_for_user`]): the workspace (or its
/// preview and the rest still being read) and the unsaved work a session that ended
/// without saving left for it.
pub struct Opened {
    /// The whole project, or its read-only preview while `pending` reads the rest.
    pub workspace: Workspace,
    pub pending: Option<PendingOpen>,
    /// A recovery file newer than the project: to offer (restore or discard) before
    /// anything else writes one. When there is one, `workspace` is the whole project.
    pub recovery: Option<Loaded>,
    /// A recovery file exists but cannot be read (it is left alone).
    pub recovery_error: Option<StoreError>,
}

/// The whole project being opened on another thread.
pub struct PendingOpen {
    rx: mpsc::Receiver<Result<Workspace, StoreError>>,
    path: PathBuf,
}

impl PendingOpen {
    /// The result once it is there; `None` while the thread works.
    pub fn poll(&self) -> Option<Result<Workspace, StoreError>> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some(Err(self.lost())),
        }
    }

    /// Waits for the result.
    pub fn wait(self) -> Result<Workspace, StoreError> {
        match self.rx.recv() {
            Ok(r) => r,
            Err(_) => Err(self.lost()),
        }
    }

    fn lost(&self) -> StoreError {
        StoreError::io(
            &self.path,
            std::io::Error::other("the thread opening the project stopped"),
        )
    }
}

impl Workspace {
    /// The one way the user opens a project (the command line, start-up, File ▸ Open,
    /// Recent, a dropped file; `None`: the bundled sample): [`Workspace::open_progressive`]
    /// plus the pending recovery file, so unsaved work is offered however the project
    /// was opened and never overwritten by the next autosave. With a recovery to offer,
    /// the whole project is waited for (it is restored onto the whole project).
    pub fn open_for_user(path: Option<&Path>, preview_from: usize) -> Result<Opened, StoreError> {
        let (workspace, pending) = match path {
            Some(path) => match Self::open_progressive(path, preview_from)? {
                Opening::Ready(ws) => (ws, None),
                Opening::Preview(ws, pending) => (ws, Some(pending)),
            },
            None => (Self::open_sample()?, None),
        };
        let mut opened = Opened {
            workspace,
            pending,
            recovery: None,
            recovery_error: None,
        };
        let Some(path) = opened.workspace.path().map(Path::to_path_buf) else {
            return Ok(opened);
        };
        match store::recovery::pending_recovery(&path) {
            Some(Ok(rec)) => {
                if let Some(p) = opened.pending.take() {
                    opened.workspace = p.wait()?;
                }
                opened.recovery = Some(rec);
                opened.workspace.recovery_offered = true;
            }
            Some(Err(e)) => opened.recovery_error = Some(e),
            None => {}
        }
        Ok(opened)
    }

    /// Opens `path`: in one go when it is smaller than `preview_from` bytes (the app
    /// passes [`PREVIEW_MIN_BYTES`]), else as a preview plus the whole project on
    /// another thread. The file is read once.
    pub fn open_progressive(path: &Path, preview_from: usize) -> Result<Opening, StoreError> {
        let (bytes, meta) = limits::read_with_limit_meta(path, limits::MAX_PROJECT_BYTES)?;
        let whole = |bytes: &[u8]| -> Result<Workspace, StoreError> {
            let loaded = store::parse(path, bytes)?;
            let stamp = FileStamp::new(bytes, Some(&meta));
            Ok(Workspace::stamped(
                loaded.project,
                Some(path.to_path_buf()),
                loaded.warnings,
                Some(stamp),
            ))
        };
        if bytes.len() < preview_from {
            let ws = whole(&bytes);
            after_load(bytes);
            return ws.map(Opening::Ready);
        }
        let Some(project) = store::preview::preview(&bytes) else {
            let ws = whole(&bytes);
            after_load(bytes);
            return ws.map(Opening::Ready);
        };
        let mut preview = Workspace::stamped(project, Some(path.to_path_buf()), Vec::new(), None);
        preview.loading = true;
        preview.status = format!(
            "Opening {} ({} MB): the first document is shown, editing waits until the rest is read",
            path.display(),
            bytes.len() >> 20
        );
        let (tx, rx) = mpsc::channel();
        let owned = path.to_path_buf();
        std::thread::Builder::new()
            .name("hashiya-open".into())
            .spawn(move || {
                let loaded = store::parse(&owned, &bytes).map(|l| {
                    let stamp = FileStamp::new(&bytes, Some(&meta));
                    Workspace::stamped(l.project, Some(owned.clone()), l.warnings, Some(stamp))
                });
                after_load(bytes);
                let _ = tx.send(loaded);
            })
            .map_err(|e| StoreError::io(path, e))?;
        Ok(Opening::Preview(
            preview,
            PendingOpen {
                rx,
                path: path.to_path_buf(),
            },
        ))
    }

    /// Whether this is the preview of a project still being opened: nothing can be
    /// changed, saved, imported or exported yet.
    pub fn is_loading(&self) -> bool {
        self.loading
    }

    /// The refusal of an edit, save, import or export while [`Workspace::is_loading`].
    pub fn refuse_while_loading(&mut self) -> Result<(), String> {
        if !self.loading {
            return Ok(());
        }
        let msg = "The project is still being opened: only its first document is shown, and nothing can be changed, saved, imported, exported or compared until the rest is read".to_string();
        self.set_status(msg.clone());
        Err(msg)
    }
}

/// Files from this size on give the memory used only while reading them back to the
/// system once they are read.
const TRIM_FROM_BYTES: usize = 4 << 20;

/// Drops the file's bytes and, after a large file, gives the memory freed by reading
/// it (the parser's scratch, the validation's offset tables on every core) back to the
/// system: the allocator keeps freed memory for re-layouts (`text::memory`), and
/// without this the corpus stayed at its loading peak (359 MB resident instead of 228
/// after a second open: `hashiya debug memory`). 0.5–15 ms for the corpus, 2 ms for
/// the 1 MB article, on the thread that read the file.
pub(super) fn after_load(bytes: Vec<u8>) {
    let large = bytes.len() >= TRIM_FROM_BYTES;
    drop(bytes);
    if large {
        crate::text::memory::release_freed_memory();
    }
}
