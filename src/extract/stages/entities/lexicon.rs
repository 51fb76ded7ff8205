//! Closed-class word lists the entity rules consult.
//!
//! These are small, hand-written and general (titles, connectors, heads of
//! organization names); the open-ended lists (places, organizations, first
//! names) are data files read by [`super::gazetteer`]. All entries are lower-case.

use rustc_hash::FxHashSet as HashSet;
use std::sync::LazyLock;

/// The whitespace-separated words of `words`.
fn set(words: &'static str) -> HashSet<&'static str> {
    words.split_whitespace().collect()
}

/// Words that start a sentence without being part of a name.
pub(crate) static FUNCTION: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "a an the and but or nor so yet if when while as after before since until because \
         although though in on at for with without from by to of into over under about across \
         among amid against around despite during inside outside near through throughout \
         within it its this that these those there here he she they we i you his her their \
         our my your him them us some many most all every each both several few more other \
         another such no not only even also still now then however meanwhile instead indeed \
         later earlier last next first one two three four five six seven eight nine ten what \
         who whom whose why how where which whether asked according speaking like unlike once \
         today yesterday tomorrow tonight yes please thanks thank many much few nobody \
         everyone everybody someone somebody nothing something anything everything none let \
         do does did is are was were be been have has had will would can could should may \
         might must shall just well so-called new former top senior local officials critics \
         analysts experts police residents people why again almost already always never \
         perhaps maybe nearly about above below behind beyond upon via per whereas unless \
         whatever whoever either neither any own i'm i'll i've i'd it's that's there's \
         here's what's we're we'll we've you're you'll he's she's they're they'll let's \
         don't can't won't isn't aren't didn't doesn't wasn't",
    )
});

/// Days, months and other capitalized words that are never entities alone.
pub(crate) static NEVER_ALONE: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "monday tuesday wednesday thursday friday saturday sunday january february march \
         april may june july august september october november december jan feb mar apr jun \
         jul aug sep sept oct nov dec i god internet christmas easter ramadan eid covid \
         covid-19 english a.m. p.m. am pm ok okay mps mp mep meps ceo cfo coo cto gdp ai tv \
         id vat gmt utc bst est phd hiv aids dna rna ipo etf faq pr hr vip suv lgbt lgbtq ngo \
         ngos bc ad ps q1 q2 q3 q4 oh hey wow sir madam",
    )
});

/// Lower-case words that join capitalized words into one name.
pub(crate) static CONNECTORS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "of for and the on de del della di da do dos das du des la le van von der den ter bin \
         ibn y al el bint",
    )
});

/// Connectors that only hold inside organization or place names ("Bank of England").
pub(crate) static HEAD_CONNECTORS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set("of for and the on"));

/// Titles and honorifics: a name after one of these is a person.
pub(crate) static TITLES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "mr mr. mrs mrs. ms ms. miss dr dr. prof prof. professor sir dame lord lady president \
         vice-president minister premier chancellor senator sen sen. rep rep. representative \
         congressman congresswoman governor gov gov. mayor judge justice king queen prince \
         princess pope archbishop bishop cardinal rev rev. reverend imam rabbi general gen \
         gen. colonel col col. captain capt capt. lieutenant lt lt. sergeant sgt sgt. admiral \
         commander marshal secretary secretary-general director-general director coach \
         ambassador commissioner chairman chairwoman chair speaker leader inspector detective \
         constable superintendent attorney sheikh emir sultan ayatollah executive ceo \
         administrator chief mp mep councillor councilman councilwoman officer spokesman \
         spokeswoman spokesperson founder president-elect dean provost rector baroness baron \
         count countess duke duchess deputy manager striker goalkeeper midfielder defender \
         winger skipper",
    )
});

/// Honorifics that tell the gender of the person they precede.
pub(crate) fn honorific_gender(lower: &str) -> Option<super::Gender> {
    use super::Gender::{Female, Male};
    match lower.trim_end_matches('.') {
        "mr" | "sir" | "lord" | "king" | "prince" | "baron" | "duke" | "count" => Some(Male),
        "mrs" | "ms" | "miss" | "dame" | "lady" | "queen" | "princess" | "baroness" | "duchess"
        | "countess" | "congresswoman" | "chairwoman" | "spokeswoman" | "councilwoman" => {
            Some(Female)
        }
        _ => None,
    }
}

/// Words that qualify a title ("Finance Minister", "Vice President").
pub(crate) static TITLE_QUALIFIERS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "finance foreign defence defense health interior home education environment transport \
         justice agriculture trade energy culture economy economic labour labor enterprise \
         immigration opposition majority minority party state deputy vice acting former prime \
         assistant associate attorney general chief executive senior interim managing senate \
         house first lead head supreme high district federal crown grand police army team \
         club press of and industry sports sport science technology housing climate \
         communications development security treasury european world u.s. us uk eu un",
    )
});

/// Last words of organization names ("… Inc", "… University", "… Party").
pub(crate) static ORG_HEADS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "inc inc. ltd ltd. llc plc corp corp. corporation co co. company ag sa gmbh nv bv \
         group holdings bank banks partners securities industries airlines airways air motors \
         technologies technology systems semiconductor pharmaceuticals pharma media \
         entertainment foundation trust fund association federation union council committee \
         commission court courts agency authority service services institute institution \
         university college school academy party ministry department office board bureau \
         police army navy forces guard assembly parliament congress senate society societies \
         league alliance club fc rovers athletic wanderers albion observatory laboratory \
         laboratories labs hospital museum times post news network press exchange reserve \
         project communications telecom petroleum oil mining steel energy electric insurance survey software solutions networks therapeutics biosciences analytics logistics \
         capital ventures brands foods stores organization organisation coalition movement \
         front center centre initiative network programme program cement chemicals automotive \
         robotics consulting economics research studios pictures records magazine journal \
         gazette herald tribune chronicle broadcasting radio television tv church mosque \
         diocese order corps brigade battalion regiment command secretariat cabinet \
         government administration directorate inspectorate tribunal commissioner registry \
         chamber unions workers federal kommission",
    )
});

/// Words that make a name a place ("… County", "Gulf of …", "… Islands").
pub(crate) static LOC_HEADS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "republic kingdom emirates islands island isle isles sea ocean gulf bay strait \
         straits lake river mountains mount mt valley county province region state city \
         street square avenue road bridge airport station park stadium arena coast peninsula \
         desert canal reef heights hills falls beach district borough town village plain \
         plains delta basin forest glacier harbour harbor port cape oblast prefecture \
         territory territories municipality township parish gare boulevard quarter estate \
         peak",
    )
});

/// Lower-case nouns that name a person's role; a name after one is a person,
/// and "the senator said" refers back to the person with that role.
pub(crate) static PERSON_ROLES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "president minister senator governor mayor judge justice chancellor premier secretary \
         spokesman spokeswoman spokesperson official officer lawyer attorney prosecutor \
         professor researcher scientist economist analyst strategist director executive \
         chairman chairwoman chair founder boss manager coach captain player striker winger \
         midfielder defender goalkeeper bowler batsman batter champion author writer \
         journalist reporter editor diplomat ambassador envoy commissioner leader lawmaker \
         legislator congressman congresswoman councillor activist campaigner teacher nurse \
         doctor surgeon farmer grower worker resident shopkeeper owner investor student \
         candidate incumbent challenger opponent rival chief head colleague aide adviser \
         advisor consultant engineer pilot soldier general commander king queen prince \
         princess pope priest bishop imam rabbi father mother son daughter brother sister \
         husband wife widow friend neighbour neighbor historian archaeologist biologist \
         physicist chemist expert specialist veteran survivor witness victim suspect \
         defendant plaintiff solicitor barrister inspector detective chef artist singer actor \
         actress director-general secretary-general administrator cofounder co-founder deputy \
         president-elect mp ceo cfo trader banker entrepreneur developer designer architect \
         professor lecturer principal headteacher pupil fan rider driver runner swimmer \
         cyclist boxer fighter skipper seed athlete organiser organizer host presenter poet \
         novelist politician candidate nominee economist fisherman physician mp \
         representative delegate negotiator sheriff",
    )
});

/// Lower-case nouns that name an organization ("the company said", "charity Shelter").
pub(crate) static ORG_NOUNS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "company firm group charity union bank agency party airline carrier chipmaker \
         carmaker automaker automaker regulator lender retailer insurer startup start-up club \
         broadcaster newspaper publisher ministry department council court university school \
         government organisation organization association federation alliance team side \
         network operator manufacturer maker giant conglomerate developer supplier producer \
         miner brewer platform app service exchange institute commission committee board \
         authority watchdog fund foundation coalition campaign movement outlet paper channel \
         studio label band consultancy hospital military army navy police militia rebels \
         cooperative co-operative utility railway railroad airport journal magazine daily",
    )
});

/// Words before a name that make it a place ("in Tucson", "near Alghero").
pub(crate) static LOC_PREPOSITIONS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set("in near outside across throughout around towards toward inside to from via")
});

/// Lower-case nouns that make the following "of X" a place ("the town of Alghero").
pub(crate) static PLACE_NOUNS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "town city village province region state county district capital island port suburb \
         neighbourhood neighborhood area municipality country republic kingdom border coast \
         outskirts",
    )
});

/// Abbreviations whose trailing full stop does not end a sentence.
pub(crate) static ABBREVIATIONS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "mr mrs ms dr prof st sen rep gov gen col capt lt sgt jr sr inc ltd corp co no vs rev \
         mt ft approx dept est fig jan feb aug sept oct nov dec u.s u.k a.m p.m",
    )
});

/// Last words of event, title and prize names ("FA Cup", "Cold War"): not
/// persons, organizations or places, so such names are left out.
pub(crate) static EVENT_HEADS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "cup open games olympics championship championships slam war wars prix prize award \
         awards festival summit trophy series tournament heritage act bill treaty accord \
         agreement convention protocol doctrine plan day week month year era age revolution \
         crisis pandemic election elections referendum marathon",
    )
});

/// Lower-case nouns right after a name that make it a place ("Koutoubia mosque").
pub(crate) static PLACE_NOUNS_AFTER: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "river basin mosque cathedral temple valley province region county district airport \
         station stadium bridge square mountains mountain lake desert peninsula coast \
         coastline border neighbourhood neighborhood suburb delta plateau reservoir dam city \
         town council municipality residents authorities",
    )
});

/// Words before a name that make it a place ("southern Gaul").
pub(crate) static COMPASS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "northern southern eastern western central north-eastern north-western \
         south-eastern south-western northeastern northwestern southeastern southwestern",
    )
});

/// Possessive words that stay inside names ("Women's Tennis Association").
pub(crate) static NAME_POSSESSIVES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set("women men children people workers veterans st king queen"));

/// True for words that head organization names, by list or by ending
/// ("Superintendency", "Directorate", "Administration").
pub(crate) fn org_like(lower: &str) -> bool {
    ORG_HEADS.contains(lower)
        || [
            "ency", "ment", "tion", "sion", "ority", "ariat", "orate", "istry",
        ]
        .iter()
        .any(|suffix| lower.len() > suffix.len() + 3 && lower.ends_with(suffix))
}

/// Capitalized words that end a name in title-case text ("… By …", "… In …").
pub(crate) static RUN_BREAKERS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "by in at to with from into via vs versus is are was were will has have who what \
         how why when where our your my their his her its this that these those",
    )
});

/// Job titles that end a phrase naming a post, not a person ("Chief Product
/// Officer", "Senior News Editor"); never surnames.
pub(crate) static JOB_HEADS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(
        "officer director editor executive manager secretary minister spokesman spokeswoman \
         spokesperson administrator commissioner coordinator correspondent reporter analyst \
         adviser advisor consultant chairman chairwoman founder co-founder president \
         vice-president ceo cfo coo cto ciso cio cmo",
    )
});
