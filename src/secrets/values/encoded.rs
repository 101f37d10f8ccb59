//! Base64 values whose decoded bytes show they hold no secret: a public key or
//! a certificate in DER, a PEM block with no key in it, a placeholder's text.

use super::is_placeholder;
use crate::secrets::detectors::{decode_base64, has_key_body};

/// Whether the base64 value `v` decodes to something that is no secret:
/// `MIGfMA0GCSqGSIb3DQEBAQUAA4GN…` (an RSA public key under `JWT_SECRET_KEY`),
/// `LS0tLS1CRUdJTi…` of a PEM block whose body is `YYYY…` or that holds a
/// certificate, or `Q0hBTkdFX01F…` of `CHANGE_ME`.
pub(super) fn encodes_no_secret(v: &str) -> bool {
    if is_ec_public_point(v) {
        return true;
    }
    // `LS0tLS1CRUdJTi` is base64 of `-----BEGIN`: a PEM block's text, judged by
    // what decodes even when the tail is cut or mangled.
    let pem = v.starts_with("LS0tLS1CRUdJTi");
    let whole = v.len() / 4 * 4;
    if v.len() < 16 || (whole != v.len() && !pem) {
        return false;
    }
    let Some(bytes) = v
        .get(..whole)
        .and_then(|v| decode_base64(v, false, 16 * 1024))
    else {
        return false;
    };
    if is_public_der(&bytes) {
        return true;
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) if pem => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
        Err(_) => return false,
    };
    let printable = text
        .find(|c: char| c.is_control() && !matches!(c, '\n' | '\r'))
        .map_or(text, |end| &text[..end]);
    if pem {
        let label = printable
            .strip_prefix("-----BEGIN")
            .and_then(|rest| rest.split_once("-----"))
            .map_or("", |(label, _)| label);
        return !label.contains("PRIVATE KEY") || !has_key_body(printable);
    }
    printable.len() == text.len() && is_placeholder(text.trim_end())
}

/// DER whose outer SEQUENCE spans the whole value and opens with another
/// SEQUENCE: a SubjectPublicKeyInfo (`SEQUENCE { algorithm, BIT STRING }`) or a
/// certificate. A private key's opens with its version, an INTEGER (PKCS#1,
/// PKCS#8, SEC 1).
fn is_public_der(der: &[u8]) -> bool {
    let (Some(&0x30), Some(&first)) = (der.first(), der.get(1)) else {
        return false;
    };
    let (header, length) = match first {
        0..=0x7f => (2, usize::from(first)),
        0x81 => (3, usize::from(der.get(2).copied().unwrap_or(0))),
        0x82 => (
            4,
            usize::from(der.get(2).copied().unwrap_or(0)) << 8
                | usize::from(der.get(3).copied().unwrap_or(0)),
        ),
        _ => return false,
    };
    der.len() >= 32 && header + length == der.len() && der.get(header) == Some(&0x30)
}

/// `BLWZsWlP…ruQI`: base64url of 65 bytes opening with `0x04`, an uncompressed
/// P-256 point: a Web Push subscription's `p256dh` or a VAPID public key, given to
/// every browser that subscribes. A private key is 32 bytes.
fn is_ec_public_point(v: &str) -> bool {
    (86..=88).contains(&v.len())
        && decode_base64(v, true, 128)
            .or_else(|| decode_base64(v, false, 128))
            .is_some_and(|bytes| bytes.len() == 65 && bytes.first() == Some(&0x04))
}
