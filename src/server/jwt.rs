//! Access tokens as JWTs (HS256), so a client can read when its token expires (the public Go
//! CLI refreshes a token that has less than a minute left, and treats one it cannot read
//! as expired, i.e. refreshed before every request).
//!
//! HS256 is HMAC-SHA256 from `ring` (already used for TLS and sealing), base64url from
//! `base64`: no JWT crate, as only our own tokens are signed and checked here, with one
//! algorithm fixed in the code (the header's `alg` must be `HS256`; `none` and every other
//! value are refused).
//!
//! The key: 32 random bytes per database, made on the first start and kept in it
//! (`server_secrets`, row `jwt-hs256`), sealed with the secret key file like the push
//! secrets (`server::sealer`), so every node of one database signs alike and a copy of the
//! database alone cannot mint tokens. A signature and `exp` are not enough: the token's
//! `sid` names its session, whose current access token the store keeps (hashed), so a
//! logout, a revocation or a refresh ends the token at once (`http/auth.rs::session_of`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;

use super::sealer::Sealer;
use super::store::Store;
use crate::protocol::auth::AccessClaims;

/// The row of `server_secrets` that holds the signing key.
const KEY_NAME: &str = "jwt-hs256";
/// The associated data the key is sealed with.
const SEAL_LABEL: &str = "axme:jwt-hs256";
/// `iss` of every token.
pub const ISSUER: &str = "axme";
/// `aud` of every token.
pub const AUDIENCE: &str = "axme-api";
/// The scope claim the public API requires (`axme.api`).
pub const SCOPE: &str = "axme.api";
/// A token's `nbf`/`iat` may be this far ahead of the gateway's clock (another node's).
const SKEW_SECONDS: i64 = 60;
const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

pub struct Signer {
    key: hmac::Key,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(HS256)")
    }
}

/// Why a presented token is not one of ours (all answered 401 `invalid_actor_token`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    Malformed,
    BadSignature,
    Expired,
    NotYetValid,
    WrongAudience,
}

impl Signer {
    pub fn new(secret: &[u8]) -> Signer {
        Signer {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret),
        }
    }

    /// The database's key (made and stored on its first start; every node agrees on the
    /// first one stored).
    pub async fn load_or_create(store: &dyn Store, sealer: &Sealer) -> Result<Signer, String> {
        let mut fresh = [0u8; 32];
        rand::fill(&mut fresh[..]);
        let candidate = sealer.seal(SEAL_LABEL, &hex::encode(fresh));
        let stored = store
            .server_secret(KEY_NAME.into(), candidate)
            .await
            .map_err(|e| format!("cannot read the token signing key: {e}"))?;
        let plain = sealer.open(SEAL_LABEL, &stored).map_err(|_| {
            "the token signing key in the database does not open with this secret key file \
             (pass the one it was written with: --secret-key-file)"
                .to_string()
        })?;
        let secret = hex::decode(plain.trim())
            .ok()
            .filter(|b| b.len() == 32)
            .ok_or("the token signing key in the database is damaged")?;
        Ok(Signer::new(&secret))
    }

    /// `claims` as a signed token.
    pub fn sign(&self, claims: &AccessClaims) -> String {
        let payload = serde_json::to_vec(claims).unwrap_or_default();
        let mut token = URL_SAFE_NO_PAD.encode(HEADER);
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(payload));
        let tag = hmac::sign(&self.key, token.as_bytes());
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(tag.as_ref()));
        token
    }

    /// The claims of a token this gateway signed, valid at `now` (Unix seconds).
    pub fn verify(&self, token: &str, now: i64) -> Result<AccessClaims, Rejected> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Rejected::Malformed);
        };
        let header: serde_json::Value = URL_SAFE_NO_PAD
            .decode(header)
            .ok()
            .and_then(|h| serde_json::from_slice(&h).ok())
            .ok_or(Rejected::Malformed)?;
        if header.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
            return Err(Rejected::Malformed);
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| Rejected::Malformed)?;
        let signed = &token[..header_and_payload_len(token)];
        hmac::verify(&self.key, signed.as_bytes(), &signature)
            .map_err(|_| Rejected::BadSignature)?;
        let claims: AccessClaims = URL_SAFE_NO_PAD
            .decode(payload)
            .ok()
            .and_then(|p| serde_json::from_slice(&p).ok())
            .ok_or(Rejected::Malformed)?;
        if claims.iss != ISSUER || claims.aud != AUDIENCE {
            return Err(Rejected::WrongAudience);
        }
        if claims.nbf.unwrap_or(claims.iat) > now + SKEW_SECONDS {
            return Err(Rejected::NotYetValid);
        }
        // Our own tokens on our own clock: no leeway past `exp`.
        if now >= claims.exp {
            return Err(Rejected::Expired);
        }
        Ok(claims)
    }
}

/// Whether a bearer value looks like a JWT (three base64url parts) rather than an API key.
pub fn looks_like_jwt(token: &str) -> bool {
    token.starts_with("eyJ") && token.matches('.').count() == 2
}

/// The length of `header.payload` in `header.payload.signature`.
fn header_and_payload_len(token: &str) -> usize {
    token.rfind('.').unwrap_or(token.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> AccessClaims {
        AccessClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: "usr_1".into(),
            sid: "ses_1".into(),
            jti: "j1".into(),
            iat: 100,
            nbf: Some(100),
            exp,
            scope: SCOPE.into(),
            email: Some("a@example.com".into()),
            actor_id: Some("usr_1".into()),
            org_id: Some("o".into()),
            workspace_id: Some("w".into()),
            owner_agent: Some("agent://local/default/user-a".into()),
            roles: vec!["member".into()],
        }
    }

    #[test]
    fn signs_and_verifies_with_expiry() {
        let signer = Signer::new(&[7; 32]);
        let token = signer.sign(&claims(200));
        assert!(looks_like_jwt(&token), "{token}");
        assert_eq!(signer.verify(&token, 150).unwrap(), claims(200));
        assert_eq!(signer.verify(&token, 200), Err(Rejected::Expired));
        assert_eq!(signer.verify(&token, 10), Err(Rejected::NotYetValid));
        // Another database's key, a changed payload, alg none: refused.
        assert_eq!(
            Signer::new(&[8; 32]).verify(&token, 150),
            Err(Rejected::BadSignature)
        );
        let parts: Vec<&str> = token.split('.').collect();
        let mut longer = claims(9_999);
        longer.sub = "usr_2".into();
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&longer).unwrap());
        let forged = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
        assert_eq!(signer.verify(&forged, 150), Err(Rejected::BadSignature));
        let none = URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#);
        let unsigned = format!("{none}.{}.", parts[1]);
        assert_eq!(signer.verify(&unsigned, 150), Err(Rejected::Malformed));
        assert_eq!(signer.verify("a.b", 150), Err(Rejected::Malformed));
        assert_eq!(signer.verify("", 150), Err(Rejected::Malformed));
        let mut other = claims(200);
        other.aud = "elsewhere".into();
        assert_eq!(
            signer.verify(&signer.sign(&other), 150),
            Err(Rejected::WrongAudience)
        );
    }
}
