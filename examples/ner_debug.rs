fn main() {
    let text = std::env::args().nth(1).unwrap_or_default();
    let text = if std::path::Path::new(&text).exists() {
        std::fs::read_to_string(&text).unwrap()
    } else {
        text
    };
    let a = newswire::extract::stages::entities::analyze(&text);
    for e in &a.entities {
        println!(
            "{:?} {} {:?} {:?} {:?} m={}",
            e.kind, e.name, e.aliases, e.gender, e.roles, e.mentions
        );
    }
    for q in newswire::extract::stages::quotes::extract(&text, &a) {
        println!(
            "Q {:?} <- {:?} [{:?}] partial={}",
            q.text, q.speaker, q.cue, q.partial
        );
    }
}
