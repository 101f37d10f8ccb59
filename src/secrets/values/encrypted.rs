//! Values whose bytes show they are no plaintext secret: one-way password
//! hashes and ciphertexts that only a key service can open.

use crate::secrets::detectors::decode_base64;

/// `$9$VYWKC0PWklsnIE$fz2x…`: Cisco IOS's type 8 (PBKDF2) or type 9 (scrypt)
/// secret, a 14-char salt and a 43-char hash, one-way like the crypt(3) forms
/// (Juniper's reversible `$9$…` has no second `$`).
pub(super) fn is_cisco_secret_hash(v: &str) -> bool {
    let Some(rest) = v.strip_prefix("$8$").or_else(|| v.strip_prefix("$9$")) else {
        return false;
    };
    let crypt64 = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/')
    };
    rest.split_once('$').is_some_and(|(salt, hash)| {
        salt.len() == 14 && hash.len() == 43 && crypt64(salt) && crypt64(hash)
    })
}

/// `AQAAAAEAACcQAAAAE…`: an ASP.NET Core Identity password hash (format 3: a
/// marker byte 1, the PRF, the iteration count, a 16-byte salt's length, then
/// salt and subkey), one-way like the crypt(3) forms.
pub(super) fn is_aspnet_identity_hash(v: &str) -> bool {
    let Some(bytes) = decode_base64(v, false, 256) else {
        return false;
    };
    let word = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
    };
    bytes.len() >= 13 + 16 + 16
        && bytes.first() == Some(&1)
        && word(1).is_some_and(|prf| prf <= 2)
        && word(5).is_some_and(|iterations| iterations >= 1000)
        && word(9) == Some(16)
}

/// `AQICAHj…`: an AWS KMS ciphertext blob (Datadog's `DD_KMS_API_KEY`, a Lambda's
/// encrypted environment): a version byte 1, a key-material header (`02 0x 00`),
/// a 0x78 length, then CMS `EncryptedData` (OID 1.2.840.113549.1.7.6). Only
/// KMS, given the caller's IAM rights, can decrypt it, so it is committed by
/// design; a random base64 string almost never starts this way and holds the OID.
pub(super) fn is_kms_ciphertext(v: &str) -> bool {
    const ENCRYPTED_DATA_OID: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x06,
    ];
    let Some(bytes) = decode_base64(v, false, 4096) else {
        return false;
    };
    matches!(bytes.get(..5), Some([1, 2, 1..=3, 0, 0x78]))
        && bytes.len() >= 100
        && bytes
            .windows(ENCRYPTED_DATA_OID.len())
            .any(|w| w == ENCRYPTED_DATA_OID)
}

/// `AgBdmZSw…` under a `SealedSecret`'s `encryptedData`: Bitnami Sealed Secrets'
/// hybrid ciphertext, a big-endian length of the RSA-sealed session key (128 to
/// 512 bytes), that block, then AES-GCM output with its 16-byte tag. Only the
/// cluster's controller opens it: committing it is the tool's whole point.
pub(super) fn is_sealed_secret_ciphertext(v: &str) -> bool {
    let Some(bytes) = decode_base64(v, false, 64 * 1024) else {
        return false;
    };
    let sealed_key = match bytes.get(..2) {
        Some([hi, lo]) => usize::from(*hi) << 8 | usize::from(*lo),
        _ => return false,
    };
    matches!(sealed_key, 128 | 256 | 384 | 512) && bytes.len() >= 2 + sealed_key + 16
}

/// `$2$ea1s…$5qwo…`: rspamd's controller password as `rspamadm pw` prints it
/// (catena: `$2$`, a 32-char salt, `$`, a 52-char hash, in rspamd's lowercase
/// base32), one-way like the crypt(3) forms.
pub(super) fn is_rspamd_password_hash(v: &str) -> bool {
    let base32 = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    v.strip_prefix("$2$")
        .and_then(|rest| rest.split_once('$'))
        .is_some_and(|(salt, hash)| {
            salt.len() == 32 && hash.len() == 52 && base32(salt) && base32(hash)
        })
}

/// `wcFMA…`, `hQEMA…`: an OpenPGP message (base64 of a packet sequence that opens
/// with a public-key encrypted session key, version 3, for one key ID), as
/// Renovate's `encrypted` settings and `pass` stores commit it: only the holder of
/// the private key opens it.
pub(super) fn is_openpgp_message(v: &str) -> bool {
    if v.len() < 100 {
        return false;
    }
    // The first 64 base64 chars decode the packet header and key ID.
    let Some(bytes) = v.get(..64).and_then(|head| decode_base64(head, false, 64)) else {
        return false;
    };
    // Packet tag 1 (PKESK): new format 0xC1 with a one-, two- or five-octet
    // length; old format 0x84, 0x85 or 0x86 with a one-, two- or four-octet one.
    let header = match (bytes.first(), bytes.get(1)) {
        (Some(0xC1), Some(0..=191)) => 2,
        (Some(0xC1), Some(192..=223)) => 3,
        (Some(0xC1), Some(255)) => 6,
        (Some(0x84), _) => 2,
        (Some(0x85), _) => 3,
        (Some(0x86), _) => 5,
        _ => return false,
    };
    bytes.get(header) == Some(&3) && bytes.len() >= header + 10
}
