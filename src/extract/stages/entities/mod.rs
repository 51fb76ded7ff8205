//! Named entities: people, organizations and places, once per article.
//!
//! Pure rules over the main text plus name lists compiled into the binary;
//! nothing is downloaded or loaded at run time. The steps, one module each:
//! - `tokens`: words with offsets, sentence starts, paragraphs.
//! - `spans`: candidate names (capitalized runs, connectors, titles stripped).
//! - `classify`: type evidence from the name and its context.
//! - `resolve`: grouping, coreference ("Okafor" → "Amara Okafor"), type, name.
//! - `gazetteer`, `lexicon`: the shipped lists and the closed word classes.
//!
//! The stage runs on English text only; the quotes stage reuses [`analyze`]
//! to map speakers to entities.

mod classify;
mod gazetteer;
mod lexicon;
mod resolve;
mod spans;
mod tokens;

pub(crate) use classify::SPEECH_VERBS;
pub(crate) use lexicon::{ORG_NOUNS, PERSON_ROLES};

use std::cell::RefCell;
use std::rc::Rc;

use crate::extract::{Doc, StageError};
use crate::record::Entity;

/// Entity type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A person.
    Person,
    /// A company, institution, party, team or other organization.
    Organization,
    /// A country, region, city or other place.
    Location,
}

impl Kind {
    /// The name written in the record.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Organization => "organization",
            Kind::Location => "location",
        }
    }
}

/// Grammatical gender of a person, to resolve "he" and "she".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    /// Referred to as "he".
    Male,
    /// Referred to as "she".
    Female,
    /// Not known from titles or first name.
    Unknown,
}

/// One entity of the article.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Fullest form of the name.
    pub name: String,
    /// Type.
    pub kind: Kind,
    /// Mentions under any form.
    pub mentions: usize,
    /// Other forms seen.
    pub aliases: Vec<String>,
    /// Gender, for persons.
    pub gender: Gender,
    /// Titles and roles seen with the name ("senator", "economist").
    pub roles: Vec<String>,
}

/// A place in the text that names an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    /// Byte offset where the name starts.
    pub start: usize,
    /// Byte offset just past the name.
    pub end: usize,
    /// Index into [`Analysis::entities`].
    pub entity: usize,
}

/// Entities and their mentions in one text.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Entities in order of first mention.
    pub entities: Vec<Found>,
    /// Every mention, in text order.
    pub mentions: Vec<Mention>,
}

impl Analysis {
    /// The entities as record fields.
    pub fn records(&self) -> Vec<Entity> {
        self.entities
            .iter()
            .map(|e| Entity {
                name: e.name.clone(),
                kind: e.kind.as_str().to_owned(),
                mentions: e.mentions,
                aliases: e.aliases.clone(),
            })
            .collect()
    }
}

thread_local! {
    /// The last text analysed on this thread and its analysis: the entities
    /// and quotes stages run one after the other over the same text.
    static LAST: RefCell<Option<(String, Rc<Analysis>)>> = const { RefCell::new(None) };
}

/// [`analyze`], reusing the previous result when the text is the same, so the
/// quotes stage does not analyse the text the entities stage just did.
pub(crate) fn analyze_cached(text: &str) -> Rc<Analysis> {
    let hit = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(t, _)| t == text)
            .map(|(_, a)| Rc::clone(a))
    });
    if let Some(a) = hit {
        return a;
    }
    let a = Rc::new(analyze(text));
    LAST.set(Some((text.to_owned(), Rc::clone(&a))));
    a
}

/// Finds the entities of an English text.
pub fn analyze(text: &str) -> Analysis {
    let tokens = tokens::tokenize(text);
    let cands = spans::candidates(text, &tokens);
    resolve::resolve(text, &tokens, &cands)
}

/// The `entities` stage: fills `record.entities` from `record.text`.
pub fn run(doc: &mut Doc) -> Result<(), StageError> {
    if !super::is_english(&doc.record) || doc.record.text.is_empty() {
        return Ok(());
    }
    let text = super::analysed_text(&doc.record.text);
    doc.record.entities = analyze_cached(text).records();
    Ok(())
}

#[cfg(test)]
mod tests;
