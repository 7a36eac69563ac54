//! What the in-app file browser lists (no egui): a folder's sub-folders and the files
//! with the wanted extensions, and the places to start from. Used where no system file
//! dialog (XDG desktop portal) answers.

use std::io;
use std::path::{Path, PathBuf};

/// One entry of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    /// The file name as the file system has it (lossily decoded when it is not UTF-8).
    pub name: String,
    pub path: PathBuf,
    pub is_dir: bool,
}

/// The sub-folders of `dir`, then its files whose extension is one of `extensions`
/// (all files when it is empty), each sorted by name ignoring case; hidden entries
/// (a leading dot) are left out.
pub fn list_dir(dir: &Path, extensions: &[&str]) -> io::Result<Vec<DirEntry>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let Ok(e) = e else { continue };
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = e.path();
        // Follows symbolic links (a linked folder is a folder).
        let is_dir = path.is_dir();
        let wanted = is_dir
            || extensions.is_empty()
            || path
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| extensions.iter().any(|w| w.eq_ignore_ascii_case(x)));
        if wanted {
            out.push(DirEntry { name, path, is_dir });
        }
    }
    out.sort_by(|a, b| {
        b.is_dir
            .cmp(&a.is_dir)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    Ok(out)
}

/// Where to start looking: the home folder, the open project's folder, the folders of
/// recent projects and the current folder (each once, existing ones only), named for
/// the buttons.
pub fn places(project: Option<&Path>, recent: &[PathBuf]) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = Vec::new();
    let mut add = |name: String, p: PathBuf| {
        if p.is_dir() && !out.iter().any(|(_, q)| *q == p) {
            out.push((name, p));
        }
    };
    if let Some(home) = std::env::var_os("HOME") {
        add("Home".into(), PathBuf::from(home));
    }
    if let Some(dir) = project.and_then(Path::parent) {
        add("Project folder".into(), dir.to_path_buf());
    }
    for r in recent {
        if let Some(dir) = r.parent() {
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| dir.display().to_string());
            add(name, dir.to_path_buf());
        }
    }
    if let Ok(cwd) = std::env::current_dir() {
        add("Current folder".into(), cwd);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_first_then_wanted_files_arabic_names_kept() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("مقالات")).unwrap();
        std::fs::create_dir(d.path().join("B-folder")).unwrap();
        std::fs::create_dir(d.path().join(".hidden")).unwrap();
        for f in ["درنة.hashiya.json", "a.JSON", "notes.txt", ".x.json"] {
            std::fs::write(d.path().join(f), "{}").unwrap();
        }
        let names: Vec<(String, bool)> = list_dir(d.path(), &["json"])
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.is_dir))
            .collect();
        assert_eq!(
            names,
            vec![
                ("B-folder".to_string(), true),
                ("مقالات".to_string(), true),
                ("a.JSON".to_string(), false),
                ("درنة.hashiya.json".to_string(), false),
            ]
        );
        assert_eq!(list_dir(d.path(), &[]).unwrap().len(), 5, "all files");
        assert!(list_dir(&d.path().join("missing"), &[]).is_err());
        let p = places(Some(&d.path().join("p.json")), &[]);
        assert!(
            p.iter()
                .any(|(n, q)| n == "Project folder" && q == d.path())
        );
    }
}
