//! The state graph as SVG, laid out here (no Graphviz): a layered drawing that reads
//! top to bottom like the Step Functions console.
//!
//! Each scope (the top level, a Parallel branch, a Map processor) is laid out on its
//! own, and a Parallel or Map state is drawn as a box holding its branches side by
//! side, so nesting shows as containment. Within a scope:
//! - edges that close a loop (found by a depth-first walk from `StartAt`) are set
//!   aside; every other edge points down: a state's layer is the longest path to it;
//! - each layer is ordered and placed so that a state sits under the states that lead
//!   to it (the mean of a left-to-right and a right-to-left packing, which keeps
//!   fan-outs centred and never overlaps);
//! - forward edges are curves from the bottom of one box to the top of the next, spread
//!   over the box's width; loop edges run up a lane on the right.
//!
//! The top level gets Start and End markers, as the console draws them.

use std::fmt::Write;

use super::Graphs;
use super::draw::{EdgeKind, RunOverlay, Visit, edges, scope_title, state_label};
use crate::model::{ScopeId, ScopeKind, StateMachine, StateType};

/// Estimated width of one character of a state name (13 px bold sans-serif).
const CHAR_W: f64 = 8.0;
/// Estimated width of one character of a small label (11 px).
const SMALL_CHAR_W: f64 = 6.2;
const NODE_H: f64 = 46.0;
const MIN_W: f64 = 110.0;
/// Padding inside boxes.
const PAD: f64 = 12.0;
const H_GAP: f64 = 28.0;
const V_GAP: f64 = 54.0;
/// Room for the name, type and branch captions at the top of a Parallel or Map box.
const HEADER: f64 = 58.0;
/// Space between loop lanes on the right of a scope.
const LANE_GAP: f64 = 14.0;
const MARGIN: f64 = 16.0;
const MARKER_W: f64 = 58.0;
const MARKER_H: f64 = 26.0;
/// Width kept free for an edge passing through a layer.
const PASS_W: f64 = 10.0;

const STYLE: &str = "\
.state>rect{fill:#fff;stroke:#5b6b7b;stroke-width:1.5}\
.task>rect{stroke:#2f6fb0}.choice>rect{stroke:#c77d12;fill:#fff8ec}\
.wait>rect{stroke:#7b4fb3}.pass>rect{stroke:#7a7a7a}\
.succeed>rect{fill:#e8f6ec;stroke:#2e8b57}.fail>rect{fill:#fdecec;stroke:#c0392b}\
.parallel>rect,.map>rect{fill:#f4f7fb;stroke:#6b7f99}\
.unreachable>rect{stroke:#c0392b;stroke-dasharray:6 4}\
.name{font-weight:600;fill:#1d2731}.type{font-size:11px;fill:#5b6b7b}\
.unreachable .type{fill:#c0392b}\
.branch{fill:none;stroke:#9aa9bb;stroke-dasharray:4 3}.caption{font-size:11px;fill:#5b6b7b}\
.edge{fill:none;stroke:#6b7f99;stroke-width:1.4}.edge.default{stroke-dasharray:6 4}\
.edge.catch{stroke:#c0392b;stroke-dasharray:3 3}\
.label{font-size:11px;fill:#3b4b5b}.label-bg{fill:#fff;opacity:.85}\
.marker>rect{fill:#1d2731}.marker>text{fill:#fff;font-size:11px}";

/// The style of a run drawn over the graph.
const RUN_STYLE: &str = ".ran>rect{fill:#dff3e4}.ran.caught>rect{fill:#fdf0d5}\
.ran.failed>rect{fill:#fbdcd9}.edge.taken{stroke:#2e8b57;stroke-width:2.6}";

/// The SVG drawing of a state machine.
pub fn svg(machine: &StateMachine<'_, '_>, graphs: &Graphs) -> String {
    svg_run(machine, graphs, None)
}

/// [`svg`] with a run drawn over it: visited states filled by how they ended, the
/// transitions taken in bold.
pub fn svg_run(
    machine: &StateMachine<'_, '_>,
    graphs: &Graphs,
    run: Option<&RunOverlay>,
) -> String {
    let mut by_scope: Vec<Vec<LocalEdge>> = (0..machine.scopes.len()).map(|_| Vec::new()).collect();
    for e in edges(machine) {
        if e.kind != EdgeKind::Nested && e.from.0 == e.to.0 {
            by_scope[e.from.0].push(LocalEdge {
                from: e.from.1,
                to: e.to.1,
                kind: e.kind,
                label: e.short,
            });
        }
    }
    let block = layout_scope(machine, graphs, &by_scope, run, 0);
    let (w, h) = (block.w + 2.0 * MARGIN, block.h + 2.0 * MARGIN);
    let mut out = String::with_capacity(block.svg.len() + 2048);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" font-family=\"-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\" font-size=\"13\" text-anchor=\"middle\">\n<style>{STYLE}{}</style>\n<defs>{}{}{}</defs>\n<g transform=\"translate({MARGIN},{MARGIN})\">\n{}</g>\n</svg>\n",
        if run.is_some() { RUN_STYLE } else { "" },
        arrow("arrow", "#6b7f99"),
        arrow("arrow-catch", "#c0392b"),
        run.map_or(String::new(), |_| arrow("arrow-taken", "#2e8b57")),
        block.svg
    );
    out
}

fn arrow(id: &str, color: &str) -> String {
    format!(
        "<marker id=\"{id}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{color}\"/></marker>"
    )
}

struct LocalEdge {
    from: usize,
    to: usize,
    kind: EdgeKind,
    label: String,
}

/// A laid-out scope: its size and its drawing, with (0, 0) at its top left.
struct Block {
    w: f64,
    h: f64,
    svg: String,
    /// The boxes of the scope's own states and markers: x, y, width, height. Only
    /// the tests read them.
    #[cfg_attr(not(test), allow(dead_code))]
    boxes: Vec<[f64; 4]>,
}

/// A box of the layout: a state, or the Start or End marker.
struct Node {
    w: f64,
    h: f64,
    x: f64,
    y: f64,
    /// Parallel branches or the Map processor, with their captions.
    inner: Vec<(String, Block)>,
    /// The width of the branches side by side, gaps included.
    content_w: f64,
}

impl Node {
    /// A box of this size with nothing inside, not yet placed.
    fn sized(w: f64, h: f64) -> Node {
        Node {
            w,
            h,
            x: 0.0,
            y: 0.0,
            inner: Vec::new(),
            content_w: 0.0,
        }
    }

    fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }
}

fn text_width(s: &str, per_char: f64) -> f64 {
    s.chars().count() as f64 * per_char
}

fn layout_scope(
    machine: &StateMachine<'_, '_>,
    graphs: &Graphs,
    by_scope: &[Vec<LocalEdge>],
    run: Option<&RunOverlay>,
    scope: ScopeId,
) -> Block {
    let s = machine.scope(scope);
    let g = graphs.scope(scope);
    let n = s.states.len();
    if n == 0 {
        return Block {
            w: MIN_W,
            h: NODE_H,
            svg: format!(
                "<text class=\"caption\" x=\"{:.1}\" y=\"{:.1}\">(no states)</text>\n",
                MIN_W / 2.0,
                NODE_H / 2.0
            ),
            boxes: Vec::new(),
        };
    }
    let root = scope == 0;
    // Boxes: the states, then Start and End at the top level.
    let mut nodes: Vec<Node> = s
        .states
        .iter()
        .enumerate()
        .map(|(i, state)| {
            let (name, ty, _) = state_label(machine, scope, i);
            let inner: Vec<(String, Block)> = state
                .children
                .iter()
                .map(|&c| {
                    (
                        caption(machine, c),
                        layout_scope(machine, graphs, by_scope, run, c),
                    )
                })
                .collect();
            let label_w = text_width(name, CHAR_W).max(text_width(ty, SMALL_CHAR_W) + 90.0);
            if inner.is_empty() {
                Node::sized((label_w + 2.0 * PAD).max(MIN_W), NODE_H)
            } else {
                let content_w: f64 = inner
                    .iter()
                    .map(|(c, b)| b.w.max(text_width(c, SMALL_CHAR_W)))
                    .sum::<f64>()
                    + H_GAP * (inner.len() - 1) as f64;
                let content_h = inner.iter().map(|(_, b)| b.h).fold(0.0, f64::max);
                Node {
                    inner,
                    content_w,
                    ..Node::sized(
                        (content_w + 4.0 * PAD).max(label_w + 2.0 * PAD),
                        HEADER + content_h + 2.0 * PAD,
                    )
                }
            }
        })
        .collect();
    let mut local: Vec<(usize, usize, EdgeKind, &str)> = by_scope[scope]
        .iter()
        .map(|e| (e.from, e.to, e.kind, e.label.as_str()))
        .collect();
    let (start_marker, end_marker) = if root {
        for _ in 0..2 {
            nodes.push(Node::sized(MARKER_W, MARKER_H));
        }
        if let Some(start) = g.start {
            local.push((n, start.index(), EdgeKind::Next, ""));
        }
        for (i, state) in s.states.iter().enumerate() {
            if state.is_terminal() {
                local.push((i, n + 1, EdgeKind::Next, ""));
            }
        }
        (Some(n), Some(n + 1))
    } else {
        (None, None)
    };
    let m = nodes.len();

    // Loop edges: those to a state on the depth-first path, from StartAt first.
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); m];
    for (k, e) in local.iter().enumerate() {
        out_edges[e.0].push(k);
    }
    let mut back = vec![false; local.len()];
    let mut preorder = vec![usize::MAX; m];
    let mut on_path = vec![false; m];
    let mut counter = 0;
    let first = start_marker.or(g.start.map(|s| s.index()));
    for root_node in first.into_iter().chain(0..m) {
        if preorder[root_node] != usize::MAX {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root_node, 0)];
        preorder[root_node] = counter;
        counter += 1;
        on_path[root_node] = true;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&k) = out_edges[v].get(*next) {
                *next += 1;
                let t = local[k].1;
                if on_path[t] {
                    back[k] = true;
                } else if preorder[t] == usize::MAX {
                    preorder[t] = counter;
                    counter += 1;
                    on_path[t] = true;
                    stack.push((t, 0));
                }
            } else {
                on_path[v] = false;
                stack.pop();
            }
        }
    }

    // Layers: the longest path over forward edges (they form a DAG).
    let mut indegree = vec![0usize; m];
    for (k, e) in local.iter().enumerate() {
        if !back[k] {
            indegree[e.1] += 1;
        }
    }
    let mut rank = vec![0usize; m];
    let mut ready: Vec<usize> = (0..m).filter(|&v| indegree[v] == 0).collect();
    let mut order = Vec::with_capacity(m);
    while let Some(v) = ready.pop() {
        order.push(v);
        for &k in &out_edges[v] {
            if back[k] {
                continue;
            }
            let t = local[k].1;
            rank[t] = rank[t].max(rank[v] + 1);
            indegree[t] -= 1;
            if indegree[t] == 0 {
                ready.push(t);
            }
        }
    }
    if let Some(end) = end_marker {
        rank[end] = (0..m)
            .filter(|&v| v != end)
            .map(|v| rank[v] + 1)
            .max()
            .unwrap_or(0);
    }
    // States that StartAt never reaches would all sit in the top layer beside Start;
    // instead each goes as low as its edges allow, just above what it leads to (the
    // bottom layer when it leads nowhere), so an orphan appears beside the states it
    // was meant to join.
    let mut reached = vec![false; m];
    let mut stack: Vec<usize> = first.into_iter().collect();
    while let Some(v) = stack.pop() {
        if !std::mem::replace(&mut reached[v], true) {
            stack.extend(out_edges[v].iter().map(|&k| local[k].1));
        }
    }
    if first.is_some() {
        let bottom = rank.iter().copied().max().unwrap_or(0);
        for &v in order.iter().rev() {
            if reached[v] || Some(v) == end_marker {
                continue;
            }
            let below = out_edges[v]
                .iter()
                .filter(|&&k| !back[k])
                .map(|&k| rank[local[k].1])
                .min();
            rank[v] = rank[v].max(below.map_or(bottom, |r| r.saturating_sub(1)));
        }
    }
    let layers = rank.iter().max().map_or(0, |r| r + 1);
    // A forward edge across several layers passes through a narrow placeholder box in
    // each layer between, so that it is routed beside the boxes there, not through them.
    // At most a few placeholders per state: in a machine where thousands of states
    // catch into one Fail state, the longest edges are drawn straight instead.
    let mut spans: Vec<(usize, usize)> = local
        .iter()
        .enumerate()
        .filter(|&(k, e)| !back[k] && rank[e.1] > rank[e.0] + 1)
        .map(|(k, e)| (rank[e.1] - rank[e.0] - 1, k))
        .collect();
    spans.sort_unstable();
    let mut budget = 4 * m + 400;
    let mut routed = vec![false; local.len()];
    for (needed, k) in spans {
        if needed > budget {
            break;
        }
        budget -= needed;
        routed[k] = true;
    }
    let mut routes: Vec<Vec<usize>> = Vec::with_capacity(local.len());
    for (k, e) in local.iter().enumerate() {
        let mut route = vec![e.0];
        if routed[k] {
            for r in rank[e.0] + 1..rank[e.1] {
                rank.push(r);
                preorder.push(preorder[e.0]);
                nodes.push(Node::sized(PASS_W, 0.0));
                route.push(nodes.len() - 1);
            }
        }
        route.push(e.1);
        routes.push(route);
    }
    let all = nodes.len();
    let mut by_layer: Vec<Vec<usize>> = vec![Vec::new(); layers];
    let mut order: Vec<usize> = (0..all).collect();
    order.sort_by_key(|&v| preorder[v]);
    for v in order {
        by_layer[rank[v]].push(v);
    }

    // Vertical placement: each layer as tall as its tallest box, boxes centred in it;
    // a placeholder spans the whole layer.
    let mut y = 0.0;
    let mut layer_span = Vec::with_capacity(layers);
    for layer in &by_layer {
        let height = layer.iter().map(|&v| nodes[v].h).fold(0.0, f64::max);
        for &v in layer {
            nodes[v].y = y + (height - nodes[v].h) / 2.0;
        }
        layer_span.push((y, y + height));
        y += height + V_GAP;
    }
    let height = y - V_GAP;

    // Horizontal placement, layer by layer: under the boxes that lead here.
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); all];
    for (k, route) in routes.iter().enumerate() {
        if !back[k] {
            for pair in route.windows(2) {
                preds[pair[1]].push(pair[0]);
            }
        }
    }
    for layer in &mut by_layer {
        let desired: Vec<Option<f64>> = layer
            .iter()
            .map(|&v| {
                let p = &preds[v];
                (!p.is_empty())
                    .then(|| p.iter().map(|&u| nodes[u].cx()).sum::<f64>() / p.len() as f64)
            })
            .collect();
        let mut keyed: Vec<(usize, Option<f64>)> = layer.iter().copied().zip(desired).collect();
        // Stable: boxes with nothing above them keep their order, after the others.
        keyed.sort_by(|a, b| {
            a.1.unwrap_or(f64::INFINITY)
                .total_cmp(&b.1.unwrap_or(f64::INFINITY))
        });
        *layer = keyed.iter().map(|k| k.0).collect();
        let widths: Vec<f64> = keyed.iter().map(|&(v, _)| nodes[v].w).collect();
        // States led to from the same place share it: as a group centred under it.
        // A passing edge's placeholder aims at the middle of what it comes from.
        let mut target: Vec<Option<f64>> = vec![None; keyed.len()];
        let mut i = 0;
        while i < keyed.len() {
            let Some(c) = keyed[i].1 else {
                i += 1;
                continue;
            };
            if keyed[i].0 >= m {
                target[i] = Some(c - widths[i] / 2.0);
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < keyed.len()
                && keyed[j].0 < m
                && keyed[j].1.is_some_and(|d| (d - c).abs() < 0.5)
            {
                j += 1;
            }
            let total: f64 = widths[i..j].iter().sum::<f64>() + H_GAP * (j - i - 1) as f64;
            let mut x = c - total / 2.0;
            for k in i..j {
                target[k] = Some(x);
                x += widths[k] + H_GAP;
            }
            i = j;
        }
        let placed = place_layer(
            &widths,
            &target,
            &keyed.iter().map(|&(v, _)| v < m).collect::<Vec<_>>(),
        );
        for (&(v, _), x) in keyed.iter().zip(placed) {
            nodes[v].x = x;
        }
    }
    let min_x = nodes.iter().map(|b| b.x).fold(f64::INFINITY, f64::min);
    for b in &mut nodes {
        b.x -= min_x;
    }
    let mut width = nodes.iter().map(|b| b.x + b.w).fold(0.0, f64::max);
    let nodes = nodes;

    // Ports: forward edges spread over the bottom of their source and the top of their
    // target, in the order of the box at the other end.
    let mut out_ports: Vec<Vec<usize>> = vec![Vec::new(); m];
    let mut in_ports: Vec<Vec<usize>> = vec![Vec::new(); m];
    for (k, e) in local.iter().enumerate() {
        if !back[k] {
            out_ports[e.0].push(k);
            in_ports[e.1].push(k);
        }
    }
    let mut start_x = vec![0.0; local.len()];
    let mut end_x = vec![0.0; local.len()];
    // The box right after the source, and right before the target, on an edge's route.
    let after = |k: usize| nodes[routes[k][1]].cx();
    let before = |k: usize| nodes[routes[k][routes[k].len() - 2]].cx();
    for v in 0..m {
        out_ports[v].sort_by(|&a, &b| after(a).total_cmp(&after(b)));
        in_ports[v].sort_by(|&a, &b| before(a).total_cmp(&before(b)));
        let spread = |count: usize, slot: usize| {
            nodes[v].x + nodes[v].w * (slot + 1) as f64 / (count + 1) as f64
        };
        for (slot, &k) in out_ports[v].iter().enumerate() {
            start_x[k] = spread(out_ports[v].len(), slot);
        }
        for (slot, &k) in in_ports[v].iter().enumerate() {
            end_x[k] = spread(in_ports[v].len(), slot);
        }
    }

    // Labels of the edges leaving one box are stacked, so that a fan-out's labels do
    // not cover each other.
    let mut label_dy = vec![0.0; local.len()];
    for ports in &out_ports {
        let labelled: Vec<usize> = ports
            .iter()
            .copied()
            .filter(|&k| !local[k].3.is_empty())
            .collect();
        let count = labelled.len() as f64;
        for (i, k) in labelled.into_iter().enumerate() {
            label_dy[k] = (i as f64 - (count - 1.0) / 2.0) * 16.0;
        }
    }
    let mut svg = String::new();
    let mut labels = String::new();
    let lane_base = width + LANE_GAP;
    let mut lanes = 0;
    let mut label_right: f64 = 0.0;
    let mut label_bottom: f64 = 0.0;
    for (k, &(from, to, kind, label)) in local.iter().enumerate() {
        let (a, b) = (&nodes[from], &nodes[to]);
        let (path, at) = if from == to {
            // A state that leads to itself (a Catch or a Choice rule): a small loop on its
            // right side, the label above it in the gap between layers.
            let (x, y1, y2) = (a.x + a.w, a.y + a.h * 0.3, a.y + a.h * 0.7);
            let out = x + 24.0;
            // The loop bulges right of the box: the drawing holds it.
            label_right = label_right.max(out);
            (
                format!(
                    "M{x:.1},{y1:.1} C{out:.1},{:.1} {out:.1},{:.1} {x:.1},{y2:.1}",
                    y1 - 12.0,
                    y2 + 12.0
                ),
                (x, a.y - 10.0),
            )
        } else if back[k] {
            let lane = lane_base + lanes as f64 * LANE_GAP;
            let off = (lanes % 4) as f64 * 4.0;
            lanes += 1;
            // A box to the right on the same row would be crossed by a line from the
            // state's side to the lane: then the edge leaves from the top (into the
            // gap above the row) and arrives at the bottom (from the gap below).
            let clear_right = |v: usize| {
                let n = &nodes[v];
                !nodes[..m]
                    .iter()
                    .enumerate()
                    .any(|(u, o)| u != v && o.x > n.x && o.y < n.y + n.h && n.y < o.y + o.h)
            };
            let (y1, y2) = (a.y + a.h / 2.0, b.y + b.h / 2.0);
            let mut path = if clear_right(from) {
                format!("M{:.1},{y1:.1} L{lane:.1},{y1:.1}", a.x + a.w)
            } else {
                let (x, ya) = (a.x + a.w - 10.0, a.y - V_GAP / 2.0 + off);
                format!("M{x:.1},{:.1} L{x:.1},{ya:.1} L{lane:.1},{ya:.1}", a.y)
            };
            if clear_right(to) {
                let _ = write!(path, " L{lane:.1},{y2:.1} L{:.1},{y2:.1}", b.x + b.w);
            } else {
                let (x, yb) = (b.x + b.w - 10.0, b.y + b.h + V_GAP / 2.0 - off);
                let _ = write!(
                    path,
                    " L{lane:.1},{yb:.1} L{x:.1},{yb:.1} L{x:.1},{:.1}",
                    b.y + b.h
                );
            }
            (path, (lane, (y1 + y2) / 2.0))
        } else {
            // Down through each placeholder's layer, with curves between layers.
            let mut points = vec![(start_x[k], a.y + a.h)];
            for &p in &routes[k][1..routes[k].len() - 1] {
                let (top, bottom) = layer_span[rank[p]];
                points.push((nodes[p].cx(), top));
                points.push((nodes[p].cx(), bottom));
            }
            points.push((end_x[k], b.y));
            let mut path = format!("M{:.1},{:.1}", points[0].0, points[0].1);
            for (i, pair) in points.windows(2).enumerate() {
                let ((x1, y1), (x2, y2)) = (pair[0], pair[1]);
                if i % 2 == 1 {
                    let _ = write!(path, " L{x2:.1},{y2:.1}");
                } else {
                    let mid = (y1 + y2) / 2.0;
                    let _ = write!(path, " C{x1:.1},{mid:.1} {x2:.1},{mid:.1} {x2:.1},{y2:.1}");
                }
            }
            let ((x1, y1), (x2, y2)) = (points[0], points[1]);
            (path, ((x1 + x2) / 2.0, (y1 + y2) / 2.0 + label_dy[k]))
        };
        let (class, marker) = match kind {
            EdgeKind::Catch => ("edge catch", "arrow-catch"),
            EdgeKind::Default => ("edge default", "arrow"),
            _ => ("edge", "arrow"),
        };
        let name = |i: usize| s.states.get(i).map(|st| st.name);
        let taken = match (run, name(from), name(to)) {
            (Some(r), Some(a), Some(b)) => r.took(a, b, kind),
            _ => false,
        };
        let (class, marker) = if taken {
            (format!("{class} taken"), "arrow-taken")
        } else {
            (class.to_string(), marker)
        };
        let _ = writeln!(
            svg,
            "<path class=\"{class}\" d=\"{path}\" marker-end=\"url(#{marker})\"/>"
        );
        if !label.is_empty() {
            let w = text_width(label, SMALL_CHAR_W) + 8.0;
            // A label beside a loop lane or a self-loop may reach past the boxes.
            // Nor past the left or top border: a label on an edge near it moves in (the
            // many labels of a wide Choice are spread up and down around their edges).
            let at = ((at.0 - w / 2.0).max(2.0) + w / 2.0, at.1.max(10.0));
            label_right = label_right.max(at.0 + w / 2.0);
            label_bottom = label_bottom.max(at.1 + 8.0);
            let _ = writeln!(
                labels,
                "<rect class=\"label-bg\" x=\"{:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"15\" rx=\"3\"/><text class=\"label\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                at.0 - w / 2.0,
                at.1 - 8.0,
                at.0,
                at.1 + 3.5,
                xml(label)
            );
        }
    }
    if lanes > 0 {
        width = lane_base + lanes as f64 * LANE_GAP;
    }
    // Labels and self-loops must fit in the drawing.
    width = width.max(label_right + 4.0);
    let height = height.max(label_bottom + 4.0);
    for (v, b) in nodes.iter().enumerate().take(m) {
        if Some(v) == start_marker || Some(v) == end_marker {
            let text = if Some(v) == start_marker {
                "Start"
            } else {
                "End"
            };
            let _ = writeln!(
                svg,
                "<g class=\"marker\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{MARKER_W}\" height=\"{MARKER_H}\" rx=\"13\"/><text x=\"{:.1}\" y=\"{:.1}\">{text}</text></g>",
                b.x,
                b.y,
                b.cx(),
                b.y + 17.0
            );
            continue;
        }
        draw_state(
            &mut svg,
            machine,
            g.reachable.get(v) == Some(&false) && g.start.is_some(),
            run,
            scope,
            v,
            b,
        );
    }
    svg.push_str(&labels);
    Block {
        w: width,
        h: height,
        svg,
        boxes: nodes.iter().take(m).map(|b| [b.x, b.y, b.w, b.h]).collect(),
    }
}

/// Places one layer's boxes, kept in their order and `H_GAP` apart, each as near its
/// target left edge as the boxes placed before it allow. States go first (those with a
/// target), then the placeholders of passing edges, then the rest, so that an edge
/// passing by never pushes a chain of states sideways. Each box placed looks for its
/// placed neighbours, so a layer of more than [`REFINED_LAYER`] boxes (a Choice with
/// thousands of rules took seconds) keeps the first packing from the left.
fn place_layer(widths: &[f64], target: &[Option<f64>], is_state: &[bool]) -> Vec<f64> {
    let k = widths.len();
    // Start packed from the left, at the targets where they allow.
    let mut x = vec![0.0; k];
    let mut cursor = f64::NEG_INFINITY;
    for i in 0..k {
        x[i] = match target[i] {
            Some(t) => t.max(cursor),
            None if cursor.is_finite() => cursor,
            None => 0.0,
        };
        cursor = x[i] + widths[i] + H_GAP;
    }
    if k > REFINED_LAYER {
        return x;
    }
    let priority = |i: usize| match (is_state[i], target[i].is_some()) {
        (true, true) => 2,
        (false, true) => 1,
        _ => 0,
    };
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(priority(i)));
    let mut fixed = vec![false; k];
    for i in order {
        // Bounds from the nearest placed box on each side, with the boxes between.
        let mut lower = f64::NEG_INFINITY;
        let mut span = 0.0;
        for j in (0..i).rev() {
            span += widths[j] + H_GAP;
            if fixed[j] {
                lower = x[j] + span;
                break;
            }
        }
        let mut upper = f64::INFINITY;
        let mut span = widths[i] + H_GAP;
        for j in i + 1..k {
            if fixed[j] {
                upper = x[j] - span;
                break;
            }
            span += widths[j] + H_GAP;
        }
        x[i] = target[i].unwrap_or(x[i]).clamp(lower, upper.max(lower));
        fixed[i] = true;
        // Boxes not yet placed make room.
        for j in (0..i).rev() {
            if fixed[j] {
                break;
            }
            x[j] = x[j].min(x[j + 1] - H_GAP - widths[j]);
        }
        for j in i + 1..k {
            if fixed[j] {
                break;
            }
            x[j] = x[j].max(x[j - 1] + widths[j - 1] + H_GAP);
        }
    }
    x
}

/// The widest layer whose boxes [`place_layer`] moves one by one toward their targets.
const REFINED_LAYER: usize = 1000;

fn caption(machine: &StateMachine<'_, '_>, scope: ScopeId) -> String {
    match machine.scope(scope).kind {
        ScopeKind::Branch { index, .. } => format!("branch {}", index + 1),
        ScopeKind::Processor { .. } => "each item".to_string(),
        ScopeKind::Root => scope_title(machine, scope),
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_state(
    svg: &mut String,
    machine: &StateMachine<'_, '_>,
    unreachable: bool,
    run: Option<&RunOverlay>,
    scope: ScopeId,
    index: usize,
    b: &Node,
) {
    let state = &machine.scope(scope).states[index];
    let (name, ty, _) = state_label(machine, scope, index);
    let kind = match state.kind {
        Some(StateType::Task) => "task",
        Some(StateType::Pass) => "pass",
        Some(StateType::Choice) => "choice",
        Some(StateType::Wait) => "wait",
        Some(StateType::Succeed) => "succeed",
        Some(StateType::Fail) => "fail",
        Some(StateType::Parallel) => "parallel",
        Some(StateType::Map) => "map",
        None => "unknown",
    };
    let visit = run.and_then(|r| r.states.get(name).copied());
    let extra = match (unreachable, visit) {
        (true, _) => " unreachable",
        (false, Some(Visit::Succeeded)) => " ran",
        (false, Some(Visit::Caught)) => " ran caught",
        (false, Some(Visit::Failed)) => " ran failed",
        (false, None) => "",
    };
    let type_line = if unreachable {
        format!("{ty} · unreachable")
    } else {
        ty.to_string()
    };
    let _ = write!(
        svg,
        "<g class=\"state {kind}{extra}\" data-name=\"{}\"><title>{} ({})</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"8\"/><text class=\"name\" x=\"{:.1}\" y=\"{:.1}\">{}</text><text class=\"type\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
        xml(name),
        xml(name),
        xml(ty),
        b.x,
        b.y,
        b.w,
        b.h,
        b.cx(),
        b.y + 20.0,
        xml(name),
        b.cx(),
        b.y + 36.0,
        xml(&type_line)
    );
    // Branches side by side under the header, each in a dashed frame with its caption.
    let mut x = b.x + (b.w - b.content_w) / 2.0;
    for (caption, block) in &b.inner {
        let slot = block.w.max(text_width(caption, SMALL_CHAR_W));
        let (bx, by) = (x + (slot - block.w) / 2.0, b.y + HEADER + PAD);
        let _ = write!(
            svg,
            "\n<rect class=\"branch\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"6\"/><text class=\"caption\" x=\"{:.1}\" y=\"{:.1}\">{}</text>\n<g transform=\"translate({bx:.1},{by:.1})\">\n{}</g>",
            bx - PAD / 2.0,
            by - PAD / 2.0,
            block.w + PAD,
            block.h + PAD,
            bx + block.w / 2.0,
            by - PAD / 2.0 - 4.0,
            xml(caption),
            block.svg
        );
        x += slot + H_GAP;
    }
    svg.push_str("</g>\n");
}

/// Text for SVG content and attribute values.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{SourceKind, parse};

    /// The top-level block of a definition.
    fn block(definition: &str) -> Block {
        let doc = parse(definition, SourceKind::Json);
        let machine = StateMachine::build(doc.root.as_ref().unwrap()).unwrap();
        let graphs = Graphs::build(&machine);
        let by_scope: Vec<Vec<LocalEdge>> = (0..machine.scopes.len())
            .map(|scope| {
                edges(&machine)
                    .into_iter()
                    .filter(|e| e.kind != EdgeKind::Nested && e.from.0 == scope && e.to.0 == scope)
                    .map(|e| LocalEdge {
                        from: e.from.1,
                        to: e.to.1,
                        kind: e.kind,
                        label: e.short,
                    })
                    .collect()
            })
            .collect();
        layout_scope(&machine, &graphs, &by_scope, None, 0)
    }

    /// A workflow of `n` Tasks where every third state is a Choice that jumps ahead or
    /// loops back, so layers hold several boxes and edges cross layers both ways.
    fn tangled(n: usize) -> String {
        let mut states = Vec::new();
        for i in 0..n {
            let next = if i + 1 < n {
                format!("S{}", i + 1)
            } else {
                "Done".into()
            };
            if i % 3 == 2 {
                let ahead = format!("S{}", (i + 4).min(n - 1));
                let back = format!("S{}", i.saturating_sub(2));
                states.push(format!(
                    r#""S{i}": {{"Type": "Choice", "Choices": [{{"Variable": "$.a", "IsPresent": true, "Next": "{ahead}"}}, {{"Variable": "$.b", "IsNull": true, "Next": "{back}"}}], "Default": "{next}"}}"#
                ));
            } else {
                states.push(format!(
                    r#""S{i}": {{"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Next": "{next}"}}"#
                ));
            }
        }
        states.push(r#""Done": {"Type": "Succeed"}"#.into());
        format!(
            r#"{{"StartAt": "S0", "States": {{{}}}}}"#,
            states.join(", ")
        )
    }

    fn overlap(a: &[f64; 4], b: &[f64; 4]) -> bool {
        a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]
    }

    #[test]
    fn boxes_never_overlap_and_fit_the_drawing() {
        let b = block(&tangled(40));
        assert_eq!(b.boxes.len(), 41 + 2);
        for (i, x) in b.boxes.iter().enumerate() {
            assert!(x[0] >= 0.0 && x[1] >= 0.0, "box {i} at {x:?}");
            assert!(
                x[0] + x[2] <= b.w + 0.01 && x[1] + x[3] <= b.h + 0.01,
                "box {i} {x:?} outside {}x{}",
                b.w,
                b.h
            );
            for (j, y) in b.boxes.iter().enumerate().skip(i + 1) {
                assert!(!overlap(x, y), "boxes {i} {x:?} and {j} {y:?} overlap");
            }
        }
        // Loops back run up lanes on the right; forward edges point down.
        assert!(b.svg.matches(" L").count() > 0);
    }

    /// A layer wider than the boxes moved one by one: still in order, none overlapping.
    #[test]
    fn a_very_wide_layer_is_packed_without_overlaps() {
        let n = REFINED_LAYER + 200;
        let rules: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"Variable": "$.n", "NumericEquals": {i}, "Next": "P{i}"}}"#))
            .collect();
        let branches: Vec<String> = (0..n)
            .map(|i| format!(r#""P{i}": {{"Type": "Pass", "Next": "Done"}}"#))
            .collect();
        let text = format!(
            r#"{{"StartAt": "C", "States": {{"C": {{"Type": "Choice", "Choices": [{}], "Default": "Done"}}, {}, "Done": {{"Type": "Succeed"}}}}}}"#,
            rules.join(", "),
            branches.join(", ")
        );
        let b = block(&text);
        // The Pass states (boxes 1..=n) share a layer, left to right in order.
        let row: Vec<&[f64; 4]> = b.boxes[1..=n].iter().collect();
        assert!(row.iter().all(|x| x[1] == row[0][1]));
        for pair in row.windows(2) {
            assert!(
                pair[0][0] + pair[0][2] + H_GAP <= pair[1][0] + 0.01,
                "{pair:?}"
            );
        }
    }

    /// A state that catches into itself gets a visible loop, and its label (like a
    /// loop lane's) fits in the drawing.
    #[test]
    fn self_loops_are_drawn_and_labels_fit() {
        let b = block(
            r#"{"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listBuckets", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "W"}], "Next": "C"}, "C": {"Type": "Choice", "Choices": [{"Variable": "$.status", "StringEquals": "IN_PROGRESS_FOR_A_WHILE", "Next": "W"}], "Default": "D"}, "D": {"Type": "Succeed"}}}"#,
        );
        let paths: Vec<&str> = b
            .svg
            .split("<path class=\"edge")
            .skip(1)
            .filter_map(|p| p.split(" d=\"").nth(1)?.split('"').next())
            .collect();
        // The loop is a curve out of the box's right side and back, not a line on itself.
        assert!(
            paths.iter().any(|d| d.contains(" C") && {
                let nums: Vec<f64> = d
                    .split(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .filter_map(|n| n.parse().ok())
                    .collect();
                nums.len() == 8 && nums[0] == nums[6] && nums[1] != nums[7]
            }),
            "{paths:?}"
        );
        for rect in b.svg.split("class=\"label-bg\" x=\"").skip(1) {
            let nums: Vec<f64> = rect
                .split('"')
                .step_by(2)
                .take(3)
                .filter_map(|n| n.parse().ok())
                .collect();
            let (x, w) = (nums[0], nums[2]);
            assert!(
                x >= 0.0 && x + w <= b.w + 0.01,
                "label {x}+{w} outside {}",
                b.w
            );
        }
    }

    /// An edge that closes a loop runs up the lane on the right without crossing the
    /// boxes beside its ends (`A -> C -> B -> A`, with D beside B on its row).
    #[test]
    fn loop_edges_pass_no_box() {
        let b = block(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "B"}], "Default": "D"}, "B": {"Type": "Pass", "Next": "A"}, "D": {"Type": "Succeed"}}}"#,
        );
        let polylines: Vec<Vec<(f64, f64)>> = b
            .svg
            .split("<path class=\"edge")
            .skip(1)
            .filter_map(|p| p.split(" d=\"").nth(1)?.split('"').next())
            .filter(|d| !d.contains('C'))
            .map(|d| {
                let nums: Vec<f64> = d
                    .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                    .filter_map(|n| n.parse().ok())
                    .collect();
                nums.chunks(2).map(|p| (p[0], p[1])).collect()
            })
            .collect();
        assert!(!polylines.is_empty());
        for line in &polylines {
            for seg in line.windows(2) {
                let ((x1, y1), (x2, y2)) = (seg[0], seg[1]);
                for bx in &b.boxes {
                    let [x, y, w, h] = *bx;
                    let inside_y = |v: f64| v > y + 1.0 && v < y + h - 1.0;
                    let inside_x = |v: f64| v > x + 1.0 && v < x + w - 1.0;
                    let crosses = if y1 == y2 {
                        inside_y(y1) && x1.min(x2) < x + 1.0 && x1.max(x2) > x + w - 1.0
                    } else {
                        inside_x(x1) && y1.min(y2) < y + 1.0 && y1.max(y2) > y + h - 1.0
                    };
                    assert!(!crosses, "segment {seg:?} crosses box {bx:?}");
                }
            }
        }
    }

    #[test]
    fn a_chain_is_one_straight_column() {
        let b = block(&tangled(2));
        let centres: Vec<f64> = b.boxes.iter().map(|x| x[0] + x[2] / 2.0).collect();
        assert!(
            centres.windows(2).all(|w| (w[0] - w[1]).abs() < 0.01),
            "{centres:?}"
        );
        let tops: Vec<f64> = b.boxes.iter().map(|x| x[1]).collect();
        // S0, S1, Done, Start, End: Start on top, End at the bottom.
        assert!(tops[3] < tops[0] && tops[0] < tops[1] && tops[1] < tops[2] && tops[2] < tops[4]);
    }

    #[test]
    fn a_parallel_box_holds_its_branches() {
        let b = block(
            r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": true}}},
                {"StartAt": "C", "States": {"C": {"Type": "Pass", "End": true}}}]}}}"#,
        );
        let parallel = b.boxes[0];
        // Two states high plus the header: taller than a plain box, and wide enough for
        // two columns.
        assert!(parallel[3] > HEADER + 2.0 * NODE_H + V_GAP, "{parallel:?}");
        assert!(parallel[2] > 2.0 * MIN_W + H_GAP, "{parallel:?}");
        assert_eq!(b.svg.matches("class=\"branch\"").count(), 2);
    }

    #[test]
    fn an_unreachable_state_sits_above_the_state_it_leads_to() {
        let b = block(
            r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "Done"},
                "Orphan": {"Type": "Pass", "Next": "Done"}, "Lost": {"Type": "Pass", "End": true},
                "Done": {"Type": "Succeed"}}}"#,
        );
        // A, B, Orphan, Lost, Done, Start, End.
        let top = |i: usize| b.boxes[i][1];
        assert!(
            (top(2) - top(1)).abs() < 0.01,
            "Orphan beside B: {:?}",
            b.boxes
        );
        assert!(top(2) > top(0) && top(2) < top(4));
        // Lost leads only to End: in the last layer of states, beside Done.
        assert!((top(3) - top(4)).abs() < 0.01, "{:?}", b.boxes);
        assert!(top(5) < top(0) && top(3) < top(6));
    }
}
