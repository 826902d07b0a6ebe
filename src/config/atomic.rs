//! Atomic file replacement: a reader (or a crash) sees the old file or the new one, never half.

use std::io::Write;
use std::path::Path;

use super::ConfigError;

/// Write `bytes` to `path` through a temp file in the same dir, fsync it, then rename it over
/// `path`. The file gets mode 0600 on Unix (the temp file is created that way, so a secret is
/// never readable by others, not even for a moment). The dir is created (0700) if missing.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ConfigError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    create_private_dir(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".axme-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| ConfigError::io(dir, "create a temporary file in", e))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| ConfigError::io(temp.path(), "write", e))?;
    set_private_mode(temp.as_file()).map_err(|e| ConfigError::io(temp.path(), "chmod", e))?;
    temp.persist(path)
        .map_err(|e| ConfigError::io(path, "replace", e.error))?;
    sync_dir(dir);
    Ok(())
}

/// `mkdir -p` with mode 0700 for dirs we create (existing dirs keep their mode).
pub(crate) fn create_private_dir(dir: &Path) -> Result<(), ConfigError> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| ConfigError::io(dir, "create directory", e))
}

#[cfg(unix)]
fn set_private_mode(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn set_private_mode(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// Make the rename itself durable. Best effort: some file systems refuse to fsync a dir, and
/// the data is already safe in the file at this point.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("f.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("f.json")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
