//! The document tree html5ever builds for us: one `Vec` of nodes linked by index.
//!
//! Why an arena and not `Rc` nodes: a page can nest 100,000 elements deep. Nodes linked by
//! index are freed by dropping one `Vec` (no recursive drop), and the walk in `walk` follows
//! parent/sibling links with no stack of its own, so no depth can overflow the call stack.
//!
//! Every method the tree builder calls is total: a handle that is not what the builder promised
//! (which html5ever's contract rules out) is ignored rather than unwrapped, because the core
//! must never panic on any input.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};

use html5ever::tendril::StrTendril;
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, LocalName, Namespace, QualName};

/// Index of a node in the arena.
pub type NodeId = usize;
const NONE: NodeId = usize::MAX;
/// The document node is always the first one.
pub const DOCUMENT: NodeId = 0;

pub enum NodeData {
    Document,
    /// A template's contents: a fragment outside the tree, never walked.
    Fragment,
    Element {
        local: LocalName,
        /// Only the attributes the line builder reads (`lines::reads_attr`).
        attrs: Vec<Attribute>,
        template_contents: NodeId,
        mathml_integration_point: bool,
        /// Text inside is never read (script, style, ...): the sink does not keep it.
        text_dropped: bool,
    },
    Text(StrTendril),
    /// Comments, processing instructions: kept as nodes (the builder may move them) but no text.
    Other,
}

pub struct Node {
    /// Depth in the tree when the node was last linked (the document is 0).
    pub depth: u32,
    pub parent: NodeId,
    pub first_child: NodeId,
    pub last_child: NodeId,
    pub prev: NodeId,
    pub next: NodeId,
    pub data: NodeData,
}

impl Node {
    fn new(data: NodeData) -> Node {
        Node { depth: 0, parent: NONE, first_child: NONE, last_child: NONE, prev: NONE, next: NONE, data }
    }
}

/// The arena, finished: what `walk` reads.
pub struct Dom {
    pub nodes: Vec<Node>,
}

/// What the tree builder holds for a node: its index, and for an element its name, so that
/// `elem_name` (asked for every entry of the stack of open elements on each scope check) reads
/// the handle itself instead of borrowing the arena. Atoms clone without allocating.
#[derive(Clone, Debug)]
pub struct Handle {
    id: NodeId,
    ns: Namespace,
    local: LocalName,
}

impl Handle {
    fn plain(id: NodeId) -> Handle {
        Handle { id, ns: Namespace::default(), local: LocalName::default() }
    }
}

/// The `TreeSink` html5ever drives while it parses.
pub struct Sink {
    nodes: RefCell<Vec<Node>>,
    /// Depth of the node the tree builder is inserting into, as far as the sink can tell:
    /// the element last inserted, the parent of the element last popped, the parent of text.
    current_depth: Cell<u32>,
    /// Keep the text of `<noscript>` elements (the fallback pass that reads them as visible).
    keep_noscript: bool,
}

impl Sink {
    pub fn new(capacity: usize, keep_noscript: bool) -> Sink {
        let mut nodes = Vec::with_capacity(capacity);
        nodes.push(Node::new(NodeData::Document));
        Sink { nodes: RefCell::new(nodes), current_depth: Cell::new(0), keep_noscript }
    }

    /// How deep the next inserted element would sit.
    pub fn current_depth(&self) -> u32 {
        self.current_depth.get()
    }

    fn add(&self, data: NodeData) -> NodeId {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Node::new(data));
        nodes.len() - 1
    }
}

fn valid(nodes: &[Node], id: NodeId) -> bool {
    id < nodes.len()
}

/// Unlink `id` from its parent and siblings.
fn detach(nodes: &mut [Node], id: NodeId) {
    if !valid(nodes, id) {
        return;
    }
    let (parent, prev, next) = (nodes[id].parent, nodes[id].prev, nodes[id].next);
    if valid(nodes, prev) {
        nodes[prev].next = next;
    } else if valid(nodes, parent) {
        nodes[parent].first_child = next;
    }
    if valid(nodes, next) {
        nodes[next].prev = prev;
    } else if valid(nodes, parent) {
        nodes[parent].last_child = prev;
    }
    let node = &mut nodes[id];
    node.parent = NONE;
    node.prev = NONE;
    node.next = NONE;
}

/// Link the detached `child` as the last child of `parent`.
fn link_last(nodes: &mut [Node], parent: NodeId, child: NodeId) {
    if !valid(nodes, parent) || !valid(nodes, child) || parent == child {
        return;
    }
    let last = nodes[parent].last_child;
    nodes[child].parent = parent;
    nodes[child].depth = nodes[parent].depth.saturating_add(1);
    nodes[child].prev = last;
    nodes[child].next = NONE;
    if valid(nodes, last) {
        nodes[last].next = child;
    } else {
        nodes[parent].first_child = child;
    }
    nodes[parent].last_child = child;
}

/// Link the detached `child` just before `sibling` (which has a parent).
fn link_before(nodes: &mut [Node], sibling: NodeId, child: NodeId) {
    if !valid(nodes, sibling) || !valid(nodes, child) || sibling == child {
        return;
    }
    let parent = nodes[sibling].parent;
    if !valid(nodes, parent) {
        return;
    }
    let prev = nodes[sibling].prev;
    nodes[child].parent = parent;
    nodes[child].depth = nodes[parent].depth.saturating_add(1);
    nodes[child].prev = prev;
    nodes[child].next = sibling;
    nodes[sibling].prev = child;
    if valid(nodes, prev) {
        nodes[prev].next = child;
    } else {
        nodes[parent].first_child = child;
    }
}

impl TreeSink for Sink {
    type Handle = Handle;
    type Output = Dom;
    type ElemName<'a> = html5ever::ExpandedName<'a>;

    fn finish(self) -> Dom {
        Dom { nodes: self.nodes.into_inner() }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Handle {
        Handle::plain(DOCUMENT)
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> html5ever::ExpandedName<'a> {
        html5ever::ExpandedName { ns: &target.ns, local: &target.local }
    }

    fn create_element(&self, name: QualName, mut attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        let template_contents = if flags.template { self.add(NodeData::Fragment) } else { NONE };
        let text_dropped =
            super::lines::drops(&name.local) && !(self.keep_noscript && &*name.local == "noscript");
        attrs.retain(|a| super::lines::reads_attr(&a.name.local));
        if attrs.is_empty() {
            attrs = Vec::new(); // frees the tokenizer's allocation
        }
        let QualName { ns, local, .. } = name;
        let id = self.add(NodeData::Element {
            text_dropped,
            local: local.clone(),
            attrs,
            template_contents,
            mathml_integration_point: flags.mathml_annotation_xml_integration_point,
        });
        Handle { id, ns, local }
    }

    fn create_comment(&self, _text: StrTendril) -> Handle {
        Handle::plain(self.add(NodeData::Other))
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Handle {
        Handle::plain(self.add(NodeData::Other))
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        let mut nodes = self.nodes.borrow_mut();
        let parent = parent.id;
        if !valid(&nodes, parent) {
            return;
        }
        match child {
            NodeOrText::AppendNode(Handle { id: child, .. }) => {
                detach(&mut nodes, child);
                link_last(&mut nodes, parent, child);
                if let Some(node) = nodes.get(child) {
                    self.current_depth.set(node.depth);
                }
            }
            NodeOrText::AppendText(text) => {
                self.current_depth.set(nodes[parent].depth);
                if let NodeData::Element { text_dropped: true, .. } = nodes[parent].data {
                    return;
                }
                let last = nodes[parent].last_child;
                if let Some(Node { data: NodeData::Text(existing), .. }) = nodes.get_mut(last) {
                    existing.push_tendril(&text);
                    return;
                }
                nodes.push(Node::new(NodeData::Text(text)));
                let id = nodes.len() - 1;
                link_last(&mut nodes, parent, id);
            }
        }
    }

    fn append_based_on_parent_node(&self, element: &Handle, prev_element: &Handle, child: NodeOrText<Handle>) {
        let has_parent = {
            let nodes = self.nodes.borrow();
            nodes.get(element.id).is_some_and(|n| n.parent != NONE)
        };
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _name: StrTendril, _public_id: StrTendril, _system_id: StrTendril) {}

    fn get_template_contents(&self, target: &Handle) -> Handle {
        let contents = {
            let nodes = self.nodes.borrow();
            match nodes.get(target.id).map(|n| &n.data) {
                Some(NodeData::Element { template_contents, .. }) => *template_contents,
                _ => NONE,
            }
        };
        if contents != NONE {
            // Template contents sit outside the tree; count their depth from the template's.
            let mut nodes = self.nodes.borrow_mut();
            let depth = nodes[target.id].depth;
            if nodes[contents].first_child == NONE {
                nodes[contents].depth = depth;
            }
            Handle::plain(contents)
        } else {
            // Not a template (the builder promises it is): hand out a fresh detached fragment.
            Handle::plain(self.add(NodeData::Fragment))
        }
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        x.id == y.id
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn pop(&self, node: &Handle) {
        if let Some(n) = self.nodes.borrow().get(node.id) {
            self.current_depth.set(n.depth.saturating_sub(1));
        }
    }

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        let mut nodes = self.nodes.borrow_mut();
        let sibling = sibling.id;
        if !valid(&nodes, sibling) || !valid(&nodes, nodes[sibling].parent) {
            return;
        }
        match new_node {
            NodeOrText::AppendNode(Handle { id: child, .. }) => {
                detach(&mut nodes, child);
                link_before(&mut nodes, sibling, child);
                if let Some(node) = nodes.get(child) {
                    self.current_depth.set(node.depth);
                }
            }
            NodeOrText::AppendText(text) => {
                let prev = nodes[sibling].prev;
                if let Some(Node { data: NodeData::Text(existing), .. }) = nodes.get_mut(prev) {
                    existing.push_tendril(&text);
                    return;
                }
                nodes.push(Node::new(NodeData::Text(text)));
                let id = nodes.len() - 1;
                link_before(&mut nodes, sibling, id);
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &Handle, new_attrs: Vec<Attribute>) {
        let mut nodes = self.nodes.borrow_mut();
        if let Some(Node { data: NodeData::Element { attrs, .. }, .. }) = nodes.get_mut(target.id) {
            for attr in new_attrs {
                if super::lines::reads_attr(&attr.name.local) && !attrs.iter().any(|a| a.name == attr.name) {
                    attrs.push(attr);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &Handle) {
        detach(&mut self.nodes.borrow_mut(), target.id);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        let mut nodes = self.nodes.borrow_mut();
        let (node, new_parent) = (node.id, new_parent.id);
        if !valid(&nodes, node) || !valid(&nodes, new_parent) || node == new_parent {
            return;
        }
        let mut child = nodes[node].first_child;
        while valid(&nodes, child) {
            let next = nodes[child].next;
            detach(&mut nodes, child);
            link_last(&mut nodes, new_parent, child);
            child = next;
        }
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &Handle) -> bool {
        let nodes = self.nodes.borrow();
        matches!(nodes.get(handle.id).map(|n| &n.data), Some(NodeData::Element { mathml_integration_point: true, .. }))
    }

    fn allow_declarative_shadow_roots(&self, _intended_parent: &Handle) -> bool {
        false
    }
}

/// What the walk tells the line builder, in document order.
pub trait Visitor {
    /// An element opens; return false to skip its subtree (`leave` is still called).
    fn enter(&mut self, local: &LocalName, attrs: &[Attribute]) -> bool;
    fn text(&mut self, text: &str);
    fn leave(&mut self);
}

impl Dom {
    /// Visit the tree in document order without recursion: follow first-child, next-sibling and
    /// parent links, so the walk needs no stack however deep the page nests.
    pub fn walk(&self, visitor: &mut impl Visitor) {
        let nodes = &self.nodes;
        let Some(root) = nodes.get(DOCUMENT) else { return };
        let mut current = root.first_child;
        // Each node is entered once and left once; a bound on the steps turns a malformed
        // (cyclic) tree, which html5ever never builds, into a stop instead of a hang.
        let mut steps_left = nodes.len().saturating_mul(4);
        while valid(nodes, current) {
            if steps_left == 0 {
                return;
            }
            steps_left -= 1;
            let node = &nodes[current];
            let mut descend = false;
            match &node.data {
                NodeData::Element { local, attrs, .. } => {
                    if visitor.enter(local, attrs) && valid(nodes, node.first_child) {
                        descend = true;
                    } else {
                        visitor.leave();
                    }
                }
                NodeData::Text(text) => visitor.text(text),
                _ => {}
            }
            if descend {
                current = node.first_child;
                continue;
            }
            // Go to the next sibling, leaving every element whose last child is done.
            let mut at = current;
            loop {
                if steps_left == 0 {
                    return;
                }
                steps_left -= 1;
                let n = &nodes[at];
                if valid(nodes, n.next) {
                    current = n.next;
                    break;
                }
                let parent = n.parent;
                if !valid(nodes, parent) || parent == DOCUMENT {
                    current = NONE;
                    break;
                }
                if matches!(nodes[parent].data, NodeData::Element { .. }) {
                    visitor.leave();
                }
                at = parent;
            }
        }
    }
}
