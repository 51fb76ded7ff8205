//! English-text stages that turn the main text into countable data.
//!
//! - [`entities`]: people, organizations and places, once per article.
//! - [`quotes`]: direct quotations with their speakers.

pub mod entities;
pub mod quotes;
