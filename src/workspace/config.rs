//! The user's settings that outlive a project: their annotator name and recent
//! projects, in `$XDG_CONFIG_HOME/hashiya/config.json` (or `~/.config/hashiya/`),
//! written atomically like a project.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Name used for the annotation sets this user creates.
    pub annotator: Option<String>,
    /// Most recent first, at most 10.
    pub recent: Vec<PathBuf>,
    /// Dark theme.
    pub dark: bool,
    /// The right panel's width as the user last dragged it (points).
    pub right_panel_width: Option<f32>,
}

/// The platform's config file path, if a home or config folder is known.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("hashiya").join("config.json"))
}

impl Config {
    /// Reads the config; a missing or unreadable file gives the defaults (it is only
    /// preferences: never worth refusing to start over).
    pub fn load(path: &Path) -> Config {
        std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        crate::store::atomic::write_atomic(path, &bytes).map_err(|e| e.to_string())
    }

    pub fn add_recent(&mut self, p: &Path) {
        let p = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        self.recent.retain(|r| *r != p);
        self.recent.insert(0, p);
        self.recent.truncate(10);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_recent_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hashiya/config.json");
        assert_eq!(Config::load(&path), Config::default());
        let mut c = Config {
            annotator: Some("سارة".into()),
            ..Default::default()
        };
        for i in 0..12 {
            c.add_recent(Path::new(&format!("/nonexistent/p{i}.json")));
        }
        c.add_recent(Path::new("/nonexistent/p5.json"));
        assert_eq!(c.recent.len(), 10);
        assert_eq!(c.recent[0], PathBuf::from("/nonexistent/p5.json"));
        c.save(&path).unwrap();
        assert_eq!(Config::load(&path), c);
        std::fs::write(&path, b"{ not json").unwrap();
        assert_eq!(
            Config::load(&path),
            Config::default(),
            "a broken config falls back to defaults"
        );
    }
}
