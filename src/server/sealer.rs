//! Secrets the gateway must read back (the HTTP push signing secret, issue 10 point 8) are
//! stored sealed: ChaCha20-Poly1305 (ring) under a 256-bit key kept in a file beside the
//! database, never in it. A copy of the database alone does not give away a secret.
//!
//! The key file: SQLite `<db>.secret-key` next to the database file; PostgreSQL
//! `--secret-key-file` (or `AXME_SECRET_KEY_FILE`), default `<platform data dir>/secret.key`
//! — every node of one database needs the same file. Made 0600 on first start (`create_new`,
//! so two nodes starting at once agree on one key), 64 hex characters.
//!
//! A sealed value is `sealed1:<hex of nonce ‖ ciphertext ‖ tag>`, with the row's address as
//! associated data so a sealed secret cannot be moved to another agent's row. A value
//! without the prefix is a plaintext secret an earlier release stored; start-up seals it.

use std::io::Write;
use std::path::{Path, PathBuf};

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

const PREFIX: &str = "sealed1:";

pub struct Sealer {
    key: LessSafeKey,
    path: PathBuf,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sealer({})", self.path.display())
    }
}

/// The key file of a SQLite database at `db`.
pub fn key_file_beside(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".secret-key");
    PathBuf::from(name)
}

impl Sealer {
    /// Reads the key at `path`, or makes one there (0600) when there is none.
    pub fn load_or_create(path: &Path) -> Result<Sealer, String> {
        let shown = path.display();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(path)?,
            Err(e) => return Err(format!("cannot read the secret key file {shown}: {e}")),
        };
        let bytes = hex::decode(text.trim())
            .ok()
            .filter(|b| b.len() == 32)
            .ok_or_else(|| {
                format!("the secret key file {shown} does not hold a key (64 hex characters)")
            })?;
        let key = UnboundKey::new(&CHACHA20_POLY1305, &bytes)
            .map_err(|_| format!("the secret key file {shown} does not hold a usable key"))?;
        Ok(Sealer {
            key: LessSafeKey::new(key),
            path: path.to_path_buf(),
        })
    }

    /// `plain` sealed for the row of `address`.
    pub fn seal(&self, address: &str, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::fill(&mut nonce[..]);
        let mut data = plain.as_bytes().to_vec();
        // Fails only for inputs beyond ring's limit (~256 GB); a secret is 70 bytes.
        if self
            .key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(address.as_bytes()),
                &mut data,
            )
            .is_err()
        {
            return String::new();
        }
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        format!("{PREFIX}{}", hex::encode(out))
    }

    /// The plaintext of a stored value of the row of `address` (an unsealed value is
    /// returned as is: an earlier release stored it so).
    pub fn open(&self, address: &str, stored: &str) -> Result<String, String> {
        let Some(sealed) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_string());
        };
        let wrong = || {
            format!(
                "the push secret of {address} does not open with the key in {}: the database \
                 was written with another key file (pass it with --secret-key-file)",
                self.path.display()
            )
        };
        let bytes = hex::decode(sealed).map_err(|_| wrong())?;
        if bytes.len() < NONCE_LEN {
            return Err(wrong());
        }
        let (nonce, data) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| wrong())?;
        let mut data = data.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(address.as_bytes()), &mut data)
            .map_err(|_| wrong())?;
        String::from_utf8(plain.to_vec()).map_err(|_| wrong())
    }

    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(PREFIX)
    }
}

/// A new key at `path` (0600); if another process made it first, its key.
fn create(path: &Path) -> Result<String, String> {
    let shown = path.display();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let mut key = [0u8; 32];
    rand::fill(&mut key[..]);
    let text = format!("{}\n", hex::encode(key));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|e| format!("cannot write the secret key file {shown}: {e}"))?;
            Ok(text)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the secret key file {shown}: {e}")),
        Err(e) => Err(format!("cannot create the secret key file {shown}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_opens_and_binds_to_the_address() {
        let dir = tempfile::tempdir().unwrap();
        let path = key_file_beside(&dir.path().join("axme.db"));
        let sealer = Sealer::load_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let sealed = sealer.seal("agent://o/w/a", "whsec_abc");
        assert!(Sealer::is_sealed(&sealed) && !sealed.contains("whsec_abc"));
        assert_ne!(sealed, sealer.seal("agent://o/w/a", "whsec_abc"));
        assert_eq!(sealer.open("agent://o/w/a", &sealed).unwrap(), "whsec_abc");
        assert!(sealer.open("agent://o/w/b", &sealed).is_err());
        assert_eq!(
            sealer.open("agent://o/w/a", "whsec_old").unwrap(),
            "whsec_old"
        );
        // The same file gives the same key; another file does not open it.
        let again = Sealer::load_or_create(&path).unwrap();
        assert_eq!(again.open("agent://o/w/a", &sealed).unwrap(), "whsec_abc");
        let other = Sealer::load_or_create(&dir.path().join("other.key")).unwrap();
        assert!(other.open("agent://o/w/a", &sealed).is_err());
        std::fs::write(&path, "nonsense").unwrap();
        assert!(Sealer::load_or_create(&path).is_err());
    }
}
