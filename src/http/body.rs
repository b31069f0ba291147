//! Reading an answer's body chunk by chunk, never holding more than a cap.

/// Why a body could not be read.
#[derive(Debug)]
pub enum BodyError {
    /// The body passed `limit` bytes; reading stopped there.
    TooLarge { limit: u64 },
    /// The connection failed mid-body (worth a retry).
    Cut(reqwest::Error),
    /// The body is not UTF-8 text.
    NotText,
}

/// The body as text, reading at most `limit` bytes: a `Content-Length` above it is refused
/// before reading, and a streamed body stops at the first chunk that passes it, so memory
/// stays bounded by the cap whatever the server sends.
///
/// # Errors
/// [`BodyError`].
pub async fn read_capped(mut response: reqwest::Response, limit: u64) -> Result<String, BodyError> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge { limit });
    }
    let mut buf: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Cut)? {
        if (buf.len() + chunk.len()) as u64 > limit {
            return Err(BodyError::TooLarge { limit });
        }
        buf.extend_from_slice(&chunk);
    }
    String::from_utf8(buf).map_err(|_| BodyError::NotText)
}
