//! HTML -> block lines, plus what each line's markup says about it.
//! (Skeleton: the contract shared by the parser and the featurizer. The parser fills it.)

/// Semantic containers a line can sit in; `HtmlContext::ancestors` is a bit set over these.
pub const ANCESTORS: [&str; 13] = [
    "figure", "nav", "header", "footer", "aside", "table", "form", "blockquote", "article", "main", "ul", "ol", "a",
];

/// Markup facts about one extracted line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HtmlContext {
    /// The block element holding the line ("p", "h2", "li", "td", "figcaption", "div", ...;
    /// "a" when the line is one link split out of a block of links; "br" for a `<br>`-separated run).
    pub tag: String,
    /// Share of the line's non-space characters that sit inside links (0..=1).
    pub link_share: f32,
    /// Bit `i` set when the line sits inside `ANCESTORS[i]`.
    pub ancestors: u32,
    /// The line is an item of a list whose items are mostly links.
    pub link_list: bool,
    /// Lower-case class/id/role/itemprop/rel tokens of the element and its ancestors, nearest first.
    pub hints: Vec<String>,
    /// An image sits in the block or just before it.
    pub image: bool,
    /// Lower-case words (punctuation stripped) of that image's `alt`/`title`.
    pub alt: Vec<String>,
}

impl HtmlContext {
    pub fn has_ancestor(&self, name: &str) -> bool {
        ANCESTORS.iter().position(|a| *a == name).map_or(false, |i| self.ancestors & (1 << i) != 0)
    }
}

/// A parsed page: its text (one line per block, blank lines between blocks) and one context
/// per line of `text` (split on '\n'; `None` for blank lines).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HtmlPage {
    pub text: String,
    pub contexts: Vec<Option<HtmlContext>>,
}

/// Parse a page into lines with their contexts. Never panics on any input.
pub fn parse_html(_html: &str) -> HtmlPage {
    HtmlPage::default() // replaced by the real parser
}
