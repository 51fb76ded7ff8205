//! From candidate mentions to entities: grouping, coreference, type and name.
//!
//! Mentions group by list entry ("US" and "United States") or by surface form.
//! A shorter unknown form joins the nearest preceding longer name it is the
//! start or end of ("Okafor" and "Ms Okafor" join "Amara Okafor"; "Verdant"
//! joins "Verdant Semiconductor Inc"), an acronym joins the organization whose
//! initials it spells, and headline n-grams count only when they name an
//! entity of the body or a listed name.

use rustc_hash::FxHashMap as HashMap;

use super::classify::{Evidence, evidence};
use super::gazetteer::{first_name, lookup};
use super::lexicon::{CONNECTORS, PERSON_ROLES, honorific_gender};
use super::spans::Candidate;
use super::tokens::Token;
use super::{Analysis, Found, Gender, Kind, Mention};

/// One candidate with what resolution needs.
struct M {
    /// First and last token of the name.
    first: usize,
    last: usize,
    start: usize,
    end: usize,
    surface: String,
    /// Capitalized words of the name, connectors left out.
    words: Vec<String>,
    ev: Evidence,
    titles: Vec<String>,
    gender: Option<Gender>,
    /// Role noun written just before the name ("economist Ruth Gregory").
    role: Option<String>,
    headline: bool,
}

fn mention(text: &str, tokens: &[Token<'_>], c: &Candidate) -> M {
    let words = tokens[c.first..=c.last]
        .iter()
        .filter(|t| t.word && !CONNECTORS.contains(t.lower()))
        .map(|t| t.text.to_owned())
        .collect();
    let role = (1..=2)
        .filter_map(|k| c.first.checked_sub(k))
        .map(|i| tokens[i].lower())
        .find(|w| PERSON_ROLES.contains(w))
        .map(str::to_owned);
    M {
        first: c.first,
        last: c.last,
        start: tokens[c.first].start,
        end: tokens[c.last].end,
        surface: text[tokens[c.first].start..tokens[c.last].end].to_owned(),
        words,
        ev: evidence(text, tokens, c),
        titles: c.titles.clone(),
        gender: c.gender,
        role,
        headline: c.headline,
    }
}

fn key(m: &M) -> String {
    match m.ev.known {
        Some(k) => format!("k:{}", k.canonical.to_lowercase()),
        None => format!("s:{}", m.words.join(" ").to_lowercase()),
    }
}

/// Groups candidates into entities.
pub(crate) fn resolve(text: &str, tokens: &[Token<'_>], cands: &[Candidate]) -> Analysis {
    let all: Vec<M> = cands.iter().map(|c| mention(text, tokens, c)).collect();
    let (body, heads): (Vec<usize>, Vec<usize>) = (0..all.len()).partition(|&i| !all[i].headline);

    // 1. Group body mentions by list entry or surface.
    let mut group_of: HashMap<String, usize> = HashMap::default();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &i in &body {
        let g = *group_of.entry(key(&all[i])).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }

    // 2. Shorter unknown forms join the nearest longer name they are part of.
    //    Parents are indexed by first and last word, so this stays linear.
    let full: Vec<Vec<String>> = groups
        .iter()
        .map(|g| {
            longest(&all, g)
                .map(|m| m.words.clone())
                .unwrap_or_default()
        })
        .collect();
    let prelim: Vec<Option<Kind>> = groups.iter().map(|g| group_kind(&all, g)).collect();
    let mut by_end: HashMap<&str, Vec<usize>> = HashMap::default();
    for (p, words) in full.iter().enumerate() {
        if let (Some(first), Some(last)) = (words.first(), words.last())
            && words.len() > 1
        {
            by_end.entry(first.as_str()).or_default().push(p);
            if last != first {
                by_end.entry(last.as_str()).or_default().push(p);
            }
        }
    }
    let mut target: Vec<Option<usize>> = vec![None; all.len()];
    for (g, members) in groups.iter().enumerate() {
        for &i in members {
            let m = &all[i];
            // A city name may be a surname ("Bolton said"): it may join a person.
            let city = m.ev.known.is_some_and(|k| k.city);
            if (m.ev.known.is_some() && !city) || m.words.is_empty() {
                continue;
            }
            let mut parents: Vec<usize> = [&m.words[0], &m.words[m.words.len() - 1]]
                .iter()
                .filter_map(|w| by_end.get(w.as_str()))
                .flatten()
                .copied()
                .collect();
            parents.sort_unstable();
            parents.dedup();
            target[i] = parents
                .into_iter()
                .filter(|&p| p != g && full[p].len() > m.words.len())
                .filter(|&p| {
                    !city
                        || (prelim[p] == Some(Kind::Person)
                            && m.ev.loc <= 0.0
                            && full[p].ends_with(&m.words))
                })
                .filter(|&p| prelim[p] != Some(Kind::Location) || prelim[g] == Some(Kind::Location))
                .filter(|&p| full[p].ends_with(&m.words) || full[p].starts_with(&m.words))
                .map(|p| {
                    // Members are in text order: the nearest preceding one by bisection.
                    let k = groups[p].partition_point(|&j| all[j].start < m.start);
                    let rank = match k.checked_sub(1) {
                        Some(prev) => (0, usize::MAX - all[groups[p][prev]].start),
                        None => (1, groups[p].first().map_or(usize::MAX, |&j| all[j].start)),
                    };
                    (rank, p)
                })
                .min()
                .map(|(_, p)| p);
        }
    }
    let mut moved: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
    for members in &mut groups {
        members.retain(|&i| match target[i] {
            Some(p) => {
                moved[p].push(i);
                false
            }
            None => true,
        });
    }
    for (members, extra) in groups.iter_mut().zip(moved) {
        if !extra.is_empty() {
            members.extend(extra);
            members.sort_by_key(|&i| all[i].start);
        }
    }

    // 3. Acronyms join the organization whose initials they spell.
    let mut by_initials: HashMap<String, usize> = HashMap::default();
    for (p, members) in groups.iter().enumerate() {
        if let Some(m) = longest(&all, members)
            && m.words.len() > 1
        {
            by_initials.entry(initials(&m.words)).or_insert(p);
        }
    }
    for g in 0..groups.len() {
        let Some(&first) = groups[g].first() else {
            continue;
        };
        let m = &all[first];
        if m.ev.known.is_some() || m.words.len() != 1 || !is_acronym(&m.words[0]) {
            continue;
        }
        let acr: String = m.words[0].chars().filter(|c| c.is_alphabetic()).collect();
        if let Some(&p) = by_initials.get(&acr)
            && p != g
        {
            let moved = std::mem::take(&mut groups[g]);
            groups[p].extend(moved);
        }
    }

    // 4. Headline n-grams that name a body entity or a listed name, longest first.
    let mut surfaces: HashMap<String, usize> = HashMap::default();
    for (g, members) in groups.iter().enumerate() {
        for &i in members {
            surfaces.insert(all[i].surface.to_lowercase(), g);
        }
    }
    let mut heads = heads;
    heads.sort_by_key(|&i| std::cmp::Reverse(all[i].end - all[i].start));
    let mut covered = vec![false; tokens.len()];
    for i in heads {
        let m = &all[i];
        if covered[m.first..=m.last].iter().any(|&c| c) {
            continue;
        }
        let g = match surfaces.get(&m.surface.to_lowercase()) {
            Some(&g) => g,
            None if lookup(&m.surface).is_some() => *group_of.entry(key(m)).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            }),
            None => continue,
        };
        covered[m.first..=m.last].iter_mut().for_each(|c| *c = true);
        groups[g].push(i);
    }

    build(&all, groups)
}

/// Turns groups into entities ordered by first mention.
fn build(all: &[M], groups: Vec<Vec<usize>>) -> Analysis {
    let mut found: Vec<(usize, Found, Vec<usize>)> = Vec::new();
    for members in groups {
        let body: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| !all[i].headline)
            .collect();
        let naming = if body.is_empty() { &members } else { &body };
        let (Some(kind), Some(fullest)) = (group_kind(all, naming), longest(all, naming)) else {
            continue;
        };
        let name = fullest.surface.clone();
        let mut aliases: Vec<String> = Vec::new();
        for &i in &members {
            let s = &all[i].surface;
            if *s != name && !aliases.contains(s) && !all[i].headline {
                aliases.push(s.clone());
            }
        }
        let mut gender = members.iter().find_map(|&i| all[i].gender);
        let mut roles: Vec<String> = Vec::new();
        for &i in &members {
            for r in all[i].titles.iter().chain(all[i].role.iter()) {
                if !roles.contains(r) {
                    roles.push(r.clone());
                }
                gender = gender.or_else(|| honorific_gender(r));
            }
        }
        if kind == Kind::Person && gender.is_none() {
            gender = name.split_whitespace().next().and_then(first_name);
        }
        let first = members.iter().map(|&i| all[i].start).min().unwrap_or(0);
        found.push((
            first,
            Found {
                name,
                kind,
                mentions: members.len(),
                aliases,
                gender: gender.unwrap_or(Gender::Unknown),
                roles,
            },
            members,
        ));
    }
    found.sort_by_key(|f| f.0);
    let mut mentions = Vec::new();
    let mut entities = Vec::new();
    for (idx, (_, f, members)) in found.into_iter().enumerate() {
        for i in members {
            mentions.push(Mention {
                start: all[i].start,
                end: all[i].end,
                entity: idx,
            });
        }
        entities.push(f);
    }
    mentions.sort_by_key(|m| m.start);
    Analysis { entities, mentions }
}

/// The mention with the most words (then the longest, then the first).
fn longest<'a>(all: &'a [M], members: &[usize]) -> Option<&'a M> {
    members
        .iter()
        .map(|&i| &all[i])
        .max_by_key(|m| (m.words.len(), m.surface.len(), std::cmp::Reverse(m.start)))
}

fn group_kind(all: &[M], members: &[usize]) -> Option<Kind> {
    let mut ev = Evidence::default();
    for &i in members {
        ev.add(&all[i].ev);
    }
    let words = members
        .iter()
        .map(|&i| all[i].words.len())
        .max()
        .unwrap_or(0);
    ev.kind(words)
}

fn is_acronym(w: &str) -> bool {
    w.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && w.chars().all(|c| c.is_uppercase() || c == '.')
}

fn initials(words: &[String]) -> String {
    words
        .iter()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .collect()
}
