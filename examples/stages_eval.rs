//! Entity and quotation quality on the hand-annotated news articles.
//!
//! ```text
//! cargo run --profile bench-fast --example stages_eval -- tests/fixtures/stages [--explain] [--worst N]
//! cargo run --profile bench-fast --example stages_eval -- --pages ../shared/data/wcxb-dev
//! ```
//!
//! Each fixture is one TOML file: `split` (`dev`: written before the rules and
//! used while tuning them; `heldout`: written after tuning, never tuned on),
//! `text`, `entities` as `[name, type]` pairs and `[[quotes]]` with `text`,
//! `speaker` (absent when unnamed) and `partial`. Prints, per split and
//! overall, entity precision/recall/F1 (name and type must match; a predicted
//! entity matches when its name or one of its aliases is the annotated name;
//! `other` annotations are not scored), quotation detection precision/recall/F1
//! (quoted words overlap by 60% or more), speaker accuracy over found
//! quotations and partial-flag accuracy, then the worst articles, the time
//! taken, and the time on one long text of 64 KiB, 256 KiB and 1 MiB (made by
//! repeating the articles) to show that time grows linearly. `--explain` lists
//! every miss.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use newswire::Pipeline;
use newswire::config::{ExtractConfig, StageName};
use newswire::extract::Page;
use newswire::extract::stages::{entities, quotes};
use newswire::record::{Entity, Quote};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    split: String,
    text: String,
    #[serde(default)]
    entities: Vec<(String, String)>,
    #[serde(default)]
    quotes: Vec<GoldQuote>,
}

#[derive(Deserialize)]
struct GoldQuote {
    text: String,
    speaker: Option<String>,
    #[serde(default)]
    partial: bool,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    ent_tp: usize,
    ent_fp: usize,
    ent_fn: usize,
    q_tp: usize,
    q_fp: usize,
    q_fn: usize,
    speaker_ok: usize,
    partial_ok: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.ent_tp += o.ent_tp;
        self.ent_fp += o.ent_fp;
        self.ent_fn += o.ent_fn;
        self.q_tp += o.q_tp;
        self.q_fp += o.q_fp;
        self.q_fn += o.q_fn;
        self.speaker_ok += o.speaker_ok;
        self.partial_ok += o.partial_ok;
    }
    fn prf(tp: usize, fp: usize, fn_: usize) -> (f64, f64, f64) {
        let p = if tp + fp == 0 {
            1.0
        } else {
            tp as f64 / (tp + fp) as f64
        };
        let r = if tp + fn_ == 0 {
            1.0
        } else {
            tp as f64 / (tp + fn_) as f64
        };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        (p, r, f)
    }
    fn entity(&self) -> (f64, f64, f64) {
        Self::prf(self.ent_tp, self.ent_fp, self.ent_fn)
    }
    fn quote(&self) -> (f64, f64, f64) {
        Self::prf(self.q_tp, self.q_fp, self.q_fn)
    }
    fn speaker(&self) -> f64 {
        if self.q_tp == 0 {
            1.0
        } else {
            self.speaker_ok as f64 / self.q_tp as f64
        }
    }
    fn partial(&self) -> f64 {
        if self.q_tp == 0 {
            1.0
        } else {
            self.partial_ok as f64 / self.q_tp as f64
        }
    }
}

fn norm(s: &str) -> String {
    let s = s.trim().to_lowercase().replace('’', "'");
    let s = s.strip_prefix("the ").unwrap_or(&s);
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn overlap(a: &[String], b: &[String]) -> f64 {
    let mut rest: Vec<&String> = b.iter().collect();
    let mut common = 0;
    for w in a {
        if let Some(i) = rest.iter().position(|x| *x == w) {
            rest.swap_remove(i);
            common += 1;
        }
    }
    common as f64 / a.len().max(b.len()).max(1) as f64
}

fn score_entities(gold: &[(String, String)], pred: &[Entity], explain: &mut Vec<String>) -> Counts {
    let mut c = Counts::default();
    let mut used = vec![false; pred.len()];
    let names = |e: &Entity| -> Vec<String> {
        std::iter::once(&e.name)
            .chain(e.aliases.iter())
            .map(|n| norm(n))
            .collect()
    };
    for (name, kind) in gold.iter().filter(|g| g.1 != "other") {
        let n = norm(name);
        match (0..pred.len())
            .find(|&i| !used[i] && pred[i].kind == *kind && names(&pred[i]).contains(&n))
        {
            Some(i) => {
                used[i] = true;
                c.ent_tp += 1;
            }
            None => {
                c.ent_fn += 1;
                let got = pred
                    .iter()
                    .find(|p| names(p).contains(&n))
                    .map(|p| p.kind.as_str());
                explain.push(format!(
                    "  entity missed: {name} ({kind}){}",
                    got.map(|k| format!(" [found as {k}]")).unwrap_or_default()
                ));
            }
        }
    }
    for (i, p) in pred.iter().enumerate() {
        if used[i] {
            continue;
        }
        // A name annotated as `other` is not scored either way.
        let is_other = gold
            .iter()
            .any(|g| g.1 == "other" && names(p).contains(&norm(&g.0)));
        if !is_other {
            c.ent_fp += 1;
            explain.push(format!(
                "  entity extra: {} ({}) aliases {:?}",
                p.name, p.kind, p.aliases
            ));
        }
    }
    c
}

fn score_quotes(gold: &[GoldQuote], pred: &[Quote], explain: &mut Vec<String>) -> Counts {
    let mut c = Counts::default();
    let mut used = vec![false; pred.len()];
    for g in gold {
        let gw = words(&g.text);
        let best = (0..pred.len())
            .filter(|&i| !used[i])
            .map(|i| (overlap(&gw, &words(&pred[i].text)), i))
            .filter(|&(o, _)| o >= 0.6)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((_, i)) => {
                used[i] = true;
                c.q_tp += 1;
                let p = &pred[i];
                if p.speaker.as_deref().map(norm) == g.speaker.as_deref().map(norm) {
                    c.speaker_ok += 1;
                } else {
                    explain.push(format!(
                        "  speaker wrong: {:?} -> {:?}, want {:?}",
                        short(&g.text),
                        p.speaker,
                        g.speaker
                    ));
                }
                if p.partial == g.partial {
                    c.partial_ok += 1;
                } else {
                    explain.push(format!(
                        "  partial wrong: {:?} -> {}, want {}",
                        short(&g.text),
                        p.partial,
                        g.partial
                    ));
                }
            }
            None => {
                c.q_fn += 1;
                explain.push(format!(
                    "  quote missed: {:?} ({:?})",
                    short(&g.text),
                    g.speaker
                ));
            }
        }
    }
    for (i, p) in pred.iter().enumerate() {
        if !used[i] {
            c.q_fp += 1;
            explain.push(format!(
                "  quote extra: {:?} ({:?})",
                short(&p.text),
                p.speaker
            ));
        }
    }
    c
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

fn load(dir: &Path) -> Result<Vec<(String, Fixture)>, Box<dyn std::error::Error>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f)?;
        let fixture: Fixture =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", f.display()))?;
        let name = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push((name, fixture));
    }
    Ok(out)
}

fn report(label: &str, c: &Counts, n: usize) {
    let (ep, er, ef) = c.entity();
    let (qp, qr, qf) = c.quote();
    println!(
        "{label:<8} {n:>3} articles | entities P {ep:.3} R {er:.3} F1 {ef:.3} | quotes P {qp:.3} R {qr:.3} F1 {qf:.3} | speaker acc {:.3} ({}/{}) | partial acc {:.3}",
        c.speaker(),
        c.speaker_ok,
        c.q_tp,
        c.partial()
    );
}

/// Cost of the two stages next to the rest of extraction, over the HTML
/// pages in `dir/html` (gzip): the pipeline without `entities` and `quotes`
/// is timed, then the two stages alone over the texts it produced. Three
/// rounds; the fastest of each is kept, as the machine may be shared.
fn pipeline_cost(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut pages = Vec::new();
    for e in std::fs::read_dir(dir.join("html"))? {
        pages.push(std::fs::read(e?.path())?);
    }
    let mut config = ExtractConfig::default();
    config
        .stages
        .retain(|s| !matches!(s, StageName::Entities | StageName::Quotes));
    let pipeline = Pipeline::new(&config);
    let (mut rest_ms, mut stages_ms) = (f64::MAX, f64::MAX);
    let mut found = (0, 0);
    for _ in 0..3 {
        let started = Instant::now();
        let texts: Vec<String> = pages
            .iter()
            .map(|bytes| pipeline.run(Page::from_bytes(bytes.clone(), None)).text)
            .collect();
        rest_ms = rest_ms.min(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        found = (0, 0);
        for text in &texts {
            let analysis = entities::analyze(text);
            found.0 += analysis.entities.len();
            found.1 += quotes::extract(text, &analysis).len();
        }
        stages_ms = stages_ms.min(started.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "{} pages: extraction without the two stages {rest_ms:.0} ms, entities+quotes {stages_ms:.0} ms ({} entities, {} quotes): +{:.1}%",
        pages.len(),
        found.0,
        found.1,
        stages_ms / rest_ms * 100.0
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from("tests/fixtures/stages");
    let (mut explain, mut worst_n) = (false, 5);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--pages" => {
                let pages = args.next().ok_or("--pages needs a directory")?;
                return pipeline_cost(Path::new(&pages));
            }
            "--explain" => explain = true,
            "--worst" => worst_n = args.next().and_then(|n| n.parse().ok()).unwrap_or(5),
            _ if !a.starts_with("--") => dir = PathBuf::from(a),
            _ => return Err(format!("unknown argument {a}").into()),
        }
    }
    let fixtures = load(&dir)?;
    let mut by_split: BTreeMap<String, (Counts, usize)> = BTreeMap::new();
    let mut total = Counts::default();
    let mut per_article = Vec::new();
    let started = Instant::now();
    let mut bytes = 0;
    for (name, f) in &fixtures {
        bytes += f.text.len();
        let analysis = entities::analyze(&f.text);
        let found = quotes::extract(&f.text, &analysis);
        let mut notes = Vec::new();
        let mut c = score_entities(&f.entities, &analysis.records(), &mut notes);
        c.add(&score_quotes(&f.quotes, &found, &mut notes));
        total.add(&c);
        let s = by_split.entry(f.split.clone()).or_default();
        s.0.add(&c);
        s.1 += 1;
        if explain && !notes.is_empty() {
            println!("{name} [{}]", f.split);
            for n in &notes {
                println!("{n}");
            }
        }
        per_article.push((c.entity().2, c.quote().2, c.speaker(), name.clone()));
    }
    let elapsed = started.elapsed();
    println!();
    for (split, (c, n)) in &by_split {
        report(split, c, *n);
    }
    report("all", &total, fixtures.len());
    per_article.sort_by(|a, b| (a.0 + a.1 + a.2).total_cmp(&(b.0 + b.1 + b.2)));
    println!("\nworst articles (entity F1, quote F1, speaker acc):");
    for (e, q, s, name) in per_article.iter().take(worst_n) {
        println!("  {name:<28} {e:.3} {q:.3} {s:.3}");
    }
    println!(
        "\n{} articles, {} KiB in {:.1} ms (entities + quotes, one thread)",
        fixtures.len(),
        bytes / 1024,
        elapsed.as_secs_f64() * 1000.0
    );
    // Linearity: the articles glued into one text of growing size.
    let all: Vec<&str> = fixtures.iter().map(|(_, f)| f.text.as_str()).collect();
    let one = all.join("\n\n");
    println!("one long article (all texts repeated):");
    for target in [64 * 1024, 256 * 1024, 1024 * 1024] {
        let mut text = String::with_capacity(target + one.len());
        while text.len() < target {
            text.push_str(&one);
            text.push_str("\n\n");
        }
        let started = Instant::now();
        let analysis = entities::analyze(&text);
        let found = quotes::extract(&text, &analysis);
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        println!(
            "  {:>5} KiB: {ms:>8.1} ms, {:.3} ms/KiB, {} entities, {} quotes",
            text.len() / 1024,
            ms / (text.len() as f64 / 1024.0),
            analysis.entities.len(),
            found.len()
        );
    }
    Ok(())
}
