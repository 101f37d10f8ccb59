//! Binary keystores (PKCS#12, JKS, JCEKS), read only far enough to tell whether they
//! hold a private key or only trusted certificates (a truststore). Nothing is
//! decrypted: PKCS#12 names each bag's type in the clear, and JKS/JCEKS tag each entry.

use crate::source::KeystoreContents;

/// DER of the PKCS#12 bag types that carry a private key: `keyBag` (1.2.840.113549.1.12.10.1.1)
/// and `pkcs8ShroudedKeyBag` (…1.2). The shrouded bag encrypts the key, not its own type.
const KEY_BAG_OIDS: [&[u8]; 2] = [
    &[
        0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x0A, 0x01, 0x01,
    ],
    &[
        0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x0A, 0x01, 0x02,
    ],
];
/// `certBag` (1.2.840.113549.1.12.10.1.3) and PKCS#7 `encryptedData` (1.2.840.113549.1.7.6),
/// where OpenSSL, Java and Go put a store's certificates.
const CERT_OIDS: [&[u8]; 2] = [
    &[
        0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x0A, 0x01, 0x03,
    ],
    &[
        0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x06,
    ],
];

const JKS_MAGIC: u32 = 0xFEED_FEED;
const JCEKS_MAGIC: u32 = 0xCECE_CECE;

/// Whether `path` names a keystore in a format this module reads (by extension: the
/// engine reads a binary file's bytes only for these).
pub(crate) fn reads(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".p12", ".pfx", ".jks", ".jceks", ".keystore", ".truststore"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// What the keystore in `bytes` holds, or `None` when its format is not recognised
/// (the caller then judges it by its name alone).
pub(crate) fn inspect(bytes: &[u8]) -> Option<KeystoreContents> {
    match read_u32(bytes, 0) {
        Some(JKS_MAGIC | JCEKS_MAGIC) => java_keystore(bytes),
        _ if bytes.first() == Some(&0x30) => pkcs12(bytes),
        _ => None,
    }
}

/// PKCS#12: OpenSSL, Java and Go put a key in a plain `data` safe as a (shrouded) key
/// bag, so its type OID is in the clear; certificates sit in cert bags, often inside
/// `encryptedData`. Some tools put the key bag inside `encryptedData` too (Spring
/// Security's sample `dianne.p12`), so a store with no key bag in sight may still
/// hold one: [`KeystoreContents::NoVisibleKey`].
fn pkcs12(bytes: &[u8]) -> Option<KeystoreContents> {
    let has = |oid: &[u8]| bytes.windows(oid.len()).any(|w| w == oid);
    if KEY_BAG_OIDS.iter().any(|oid| has(oid)) {
        Some(KeystoreContents::PrivateKey)
    } else if has(CERT_OIDS[1]) {
        Some(KeystoreContents::NoVisibleKey)
    } else if has(CERT_OIDS[0]) {
        // Cert bags in the clear and no encrypted safe: nothing else is in there.
        Some(KeystoreContents::CertificatesOnly)
    } else {
        None
    }
}

/// JKS and JCEKS: a header (magic, version, entry count), then entries tagged 1
/// (private key), 2 (trusted certificate) or 3 (JCEKS secret key). Only
/// certificate entries can be stepped over by length, so the walk stops at the
/// first key entry.
fn java_keystore(bytes: &[u8]) -> Option<KeystoreContents> {
    let version = read_u32(bytes, 4)?;
    let count = read_u32(bytes, 8)?;
    let mut at = 12;
    for _ in 0..count {
        match read_u32(bytes, at)? {
            1 | 3 => return Some(KeystoreContents::PrivateKey),
            2 => {
                at = skip_utf(bytes, at + 4)?; // alias
                at = at.checked_add(8)?; // creation time
                if version == 2 {
                    at = skip_utf(bytes, at)?; // certificate type (`X.509`)
                }
                let len = usize::try_from(read_u32(bytes, at)?).ok()?;
                at = at.checked_add(4)?.checked_add(len)?;
            }
            _ => return None,
        }
    }
    (at <= bytes.len()).then_some(KeystoreContents::CertificatesOnly)
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let word = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes(word.try_into().ok()?))
}

/// Steps over a Java modified-UTF-8 string (a big-endian `u16` length, then bytes).
fn skip_utf(bytes: &[u8], at: usize) -> Option<usize> {
    let len = bytes.get(at..at.checked_add(2)?)?;
    let len = usize::from(u16::from_be_bytes(len.try_into().ok()?));
    let end = at.checked_add(2)?.checked_add(len)?;
    (end <= bytes.len()).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jks(entries: &[(u32, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend(JKS_MAGIC.to_be_bytes());
        out.extend(2u32.to_be_bytes());
        out.extend(u32::try_from(entries.len()).unwrap().to_be_bytes());
        for (tag, body) in entries {
            out.extend(tag.to_be_bytes());
            out.extend(3u16.to_be_bytes());
            out.extend(b"ca1");
            out.extend(0u64.to_be_bytes());
            if *tag == 2 {
                out.extend(5u16.to_be_bytes());
                out.extend(b"X.509");
            }
            out.extend(u32::try_from(body.len()).unwrap().to_be_bytes());
            out.extend(*body);
        }
        out
    }

    #[test]
    fn java_truststore_and_keystore() {
        let certs = jks(&[(2, b"cert-one"), (2, b"cert-two")]);
        assert_eq!(inspect(&certs), Some(KeystoreContents::CertificatesOnly));
        let keys = jks(&[(2, b"cert-one"), (1, b"encrypted-key")]);
        assert_eq!(inspect(&keys), Some(KeystoreContents::PrivateKey));
        // Cut short: not recognised, judged by name.
        assert_eq!(inspect(&certs[..certs.len() - 3]), None);
        assert_eq!(inspect(&jks(&[(7, b"x")])), None);
    }

    #[test]
    fn pkcs12_bags() {
        let mut store = vec![0x30, 0x82, 0x01, 0x00];
        store.extend(CERT_OIDS[0]);
        assert_eq!(inspect(&store), Some(KeystoreContents::CertificatesOnly));
        store.extend(CERT_OIDS[1]);
        assert_eq!(inspect(&store), Some(KeystoreContents::NoVisibleKey));
        store.extend(KEY_BAG_OIDS[1]);
        assert_eq!(inspect(&store), Some(KeystoreContents::PrivateKey));
        assert_eq!(inspect(&[0x30, 0x03, 0x02, 0x01, 0x03]), None);
        assert_eq!(inspect(b""), None);
    }
}
