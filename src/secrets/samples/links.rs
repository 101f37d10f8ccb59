//! Links that carry their own short-lived authorization: presigned URLs.

use crate::secrets::line_range;
use crate::source::Span;

/// Whether `span` sits in a presigned URL (`https://…s3.amazonaws.com/…?…&
/// X-Amz-Credential=ASIA…&X-Amz-Security-Token=IQoJ…&X-Amz-Signature=…`, or
/// Cloud Storage's `X-Goog-Signature`): a link signed to work for minutes or days
/// (the code location a Lambda `get-function` export records). The key ID and
/// session token in its query open nothing once it expires, and never without
/// the secret key, which the link does not carry.
pub(crate) fn in_presigned_url(text: &str, span: Span) -> bool {
    let line = line_range(text, span.start as usize);
    let Some(line_text) = text.get(line.clone()) else {
        return false;
    };
    let at = (span.start as usize).saturating_sub(line.start);
    let (Some(head), Some(tail)) = (line_text.get(..at), line_text.get(at..)) else {
        return false;
    };
    let stop = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`');
    let start = head.rfind(stop).map_or(0, |i| i + 1);
    let end = tail.find(stop).map_or(line_text.len(), |i| at + i);
    let url = line_text.get(start..end).unwrap_or("").to_ascii_lowercase();
    url.contains("://") && (url.contains("x-amz-signature=") || url.contains("x-goog-signature="))
}
