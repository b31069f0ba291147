//! The raw JSON an entity keeps (`_rawData`), compressed in memory.
//!
//! The raw Heroku objects are most of a graph's memory (about half of it for the `huge`
//! estate), and they are read rarely: when the graph is written, uploaded, hashed, or shown in
//! the details pane. So each one is kept as a zstd frame, compressed against a dictionary of
//! Heroku objects recorded from the real API (`assets/raw-json.dict`: the keys and the usual
//! values every object repeats), and decompressed where it is read. An object that would not
//! get smaller is kept as it is. The compressed bytes never leave the process: the same text
//! always compresses to the same bytes, so comparing them compares the texts.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use serde::ser::{Error as _, Serialize, Serializer};
use serde_json::value::RawValue;
use zstd::bulk::{Compressor, Decompressor};
use zstd::dict::{DecoderDictionary, EncoderDictionary};

/// Compact Heroku objects of every kind the crawl reads (a raw-content dictionary).
const DICTIONARY: &[u8] = include_bytes!("../../assets/raw-json.dict");

/// A fast level: the dictionary does most of the work on objects this small.
const LEVEL: i32 = 1;

/// The first bytes of a zstd frame; JSON text never starts with them.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

fn encoder_dictionary() -> &'static EncoderDictionary<'static> {
    static DICT: OnceLock<EncoderDictionary<'static>> = OnceLock::new();
    DICT.get_or_init(|| EncoderDictionary::copy(DICTIONARY, LEVEL))
}

fn decoder_dictionary() -> &'static DecoderDictionary<'static> {
    static DICT: OnceLock<DecoderDictionary<'static>> = OnceLock::new();
    DICT.get_or_init(|| DecoderDictionary::copy(DICTIONARY))
}

thread_local! {
    static COMPRESSOR: RefCell<Option<Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<Decompressor<'static>>> = const { RefCell::new(None) };
}

fn compress(text: &str) -> Option<Vec<u8>> {
    COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = Compressor::with_prepared_dictionary(encoder_dictionary()).ok();
        }
        c.as_mut()?.compress(text.as_bytes()).ok()
    })
}

fn decompress(frame: &[u8], len: usize) -> Option<String> {
    DECOMPRESSOR.with(|d| {
        let mut d = d.borrow_mut();
        if d.is_none() {
            *d = Decompressor::with_prepared_dictionary(decoder_dictionary()).ok();
        }
        let bytes = d.as_mut()?.decompress(frame, len).ok()?;
        String::from_utf8(bytes).ok()
    })
}

/// One source object's JSON text, compressed (see the module comment). Cloning shares it.
#[derive(Clone, PartialEq, Eq)]
pub struct RawJson(Arc<[u8]>);

impl RawJson {
    /// Keeps `raw` (compressed when that makes it smaller).
    #[must_use]
    pub fn new(raw: &RawValue) -> Self {
        let text = raw.get();
        match compress(text) {
            Some(frame) if frame.len() < text.len() => Self(Arc::from(frame)),
            _ => Self(Arc::from(text.as_bytes())),
        }
    }

    fn is_compressed(&self) -> bool {
        self.0.starts_with(&ZSTD_MAGIC)
    }

    /// The JSON text exactly as received.
    #[must_use]
    pub fn get(&self) -> Cow<'_, str> {
        if self.is_compressed() {
            Cow::Owned(decompress(&self.0, self.len()).unwrap_or_default())
        } else {
            Cow::Borrowed(std::str::from_utf8(&self.0).unwrap_or_default())
        }
    }

    /// The length of the JSON text in bytes (without decompressing it).
    #[must_use]
    pub fn len(&self) -> usize {
        if self.is_compressed() {
            zstd::zstd_safe::get_frame_content_size(&self.0)
                .ok()
                .flatten()
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(0)
        } else {
            self.0.len()
        }
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes kept in memory for it.
    #[must_use]
    pub fn stored_len(&self) -> usize {
        self.0.len()
    }
}

impl From<&RawValue> for RawJson {
    fn from(raw: &RawValue) -> Self {
        Self::new(raw)
    }
}

impl From<Box<RawValue>> for RawJson {
    fn from(raw: Box<RawValue>) -> Self {
        Self::new(&raw)
    }
}

impl From<Arc<RawValue>> for RawJson {
    fn from(raw: Arc<RawValue>) -> Self {
        Self::new(&raw)
    }
}

impl std::fmt::Debug for RawJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.get())
    }
}

impl Serialize for RawJson {
    /// Writes the JSON text as it is (not re-encoded as a string).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.get();
        let raw: &RawValue = serde_json::from_str(&text).map_err(S::Error::custom)?;
        raw.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_owned()).unwrap()
    }

    #[test]
    fn an_app_is_kept_compressed_and_read_back_exactly() {
        let text = r#"{"acm":true,"archived_at":null,"build_stack":{"id":"69bee368-352b-4bd0-9b7c-819d860a2588","name":"heroku-18"},"created_at":"2020-04-24T17:53:13Z","id":"2a089907-da73-49d6-b569-5f4a89c65ba9","git_url":"https://git.heroku.com/shiny-app.git","maintenance":false,"name":"shiny-app"}"#;
        let r = RawJson::new(&raw(text));
        assert!(r.is_compressed());
        assert!(r.stored_len() < text.len() / 2, "{} bytes", r.stored_len());
        assert_eq!(r.len(), text.len());
        assert_eq!(r.get(), text);
        assert_eq!(serde_json::to_string(&r).unwrap(), text);
        assert_eq!(r, RawJson::new(&raw(text)));
        assert_ne!(r, RawJson::new(&raw(&text.replace("shiny", "dull"))));
    }

    #[test]
    fn a_tiny_value_is_kept_as_it_is() {
        let r = RawJson::new(&raw("\"TRUNCATED\""));
        assert!(!r.is_compressed());
        assert_eq!(r.get(), "\"TRUNCATED\"");
        assert_eq!(r.len(), 11);
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"TRUNCATED\"");
    }
}
