"""Relations networks drawn as SVG at build time: no script, no other host, prints as is.

Actors sit on a circle grouped by kind; each relation is an arrow. Every label is escaped.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

from markupsafe import Markup, escape

from generator import model

MAX_NODES = 60
_SIZE = 640
_CHAR_WIDTH = 9.0  # of a label's character, generously: the stylesheet's labels are 13px bold
_MARGIN = 6.0
_KIND_ORDER = {kind: i for i, kind in enumerate(model.ACTOR_KINDS)}


def site_network(site: model.Site, link: Callable[[str], str]) -> Markup:
    """The relations network of the whole site; `link` maps an actor id to its page URL."""
    degree: Counter[str] = Counter()
    for ref in site.relations:
        degree.update((ref.relation.source, ref.relation.target))
    keep = {a for a, _ in sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_NODES]}
    return _draw(site, keep, [r.relation for r in site.relations], link, centre=None)


def ego_network(
    site: model.Site,
    actor_id: str,
    relations: list[model.RelationRef],
    link: Callable[[str], str],
) -> Markup:
    """The relations of one actor (`relations`: those in and out) and its direct neighbours,
    at most the MAX_NODES - 1 it has most relations with (the list below the drawing has all)."""
    edges = [r.relation for r in relations]
    if not edges:
        return Markup("")
    degree: Counter[str] = Counter()
    for edge in edges:
        degree[edge.target if edge.source == actor_id else edge.source] += 1
    near = sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[: MAX_NODES - 1]
    keep = {actor_id} | {other for other, _ in near}
    return _draw(site, keep, edges, link, centre=actor_id)


def _draw(
    site: model.Site,
    keep: set[str],
    relations: list[model.Relation],
    link: Callable[[str], str],
    centre: str | None,
) -> Markup:
    if not keep:
        return Markup("")
    ring = sorted(
        (site.actors[a] for a in keep if a != centre),
        key=lambda a: (_KIND_ORDER.get(a.kind, 9), a.name.casefold(), a.id),
    )
    middle = _SIZE / 2
    radius = _SIZE / 2 - 110
    places: dict[str, tuple[float, float]] = {}
    if centre is not None:
        places[centre] = (middle, middle)
    for i, actor in enumerate(ring):
        angle = 2 * math.pi * i / max(len(ring), 1) - math.pi / 2
        places[actor.id] = (middle + radius * math.cos(angle), middle + radius * math.sin(angle))
    parts = [
        "",  # the opening tag, once the labels' widths say how wide the drawing is
        '<defs><marker id="bf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/>'
        "</marker></defs>",
    ]
    for relation in relations:
        if relation.source not in places or relation.target not in places:
            continue
        (x1, y1), (x2, y2) = places[relation.source], places[relation.target]
        length = math.hypot(x2 - x1, y2 - y1) or 1
        # stop short of the target's dot so the arrow head stays visible
        x2s, y2s = x2 - (x2 - x1) * 9 / length, y2 - (y2 - y1) * 9 / length
        cx, cy = (x1 + x2) / 2 + (middle - (x1 + x2) / 2) * 0.25, (y1 + y2) / 2 + (
            middle - (y1 + y2) / 2) * 0.25
        label = (f"{site.actors[relation.source].name} {relation.type.replace('-', ' ')} "
                 f"{site.actors[relation.target].name}")
        parts.append(
            f'<path class="bf-edge" d="M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2s:.1f},{y2s:.1f}" '
            f'marker-end="url(#bf-arrow)"><title>{escape(label)}</title></path>'
        )
    left, right = 0.0, float(_SIZE)
    for actor_id, (x, y) in sorted(places.items()):
        actor = site.actors[actor_id]
        anchor = "middle"
        dx, dy = 0.0, -14.0
        if actor_id != centre:
            dx = 12.0 if x > middle + 1 else -12.0 if x < middle - 1 else 0.0
            dy = 4.0 if dx else (-14.0 if y < middle else 22.0)
            anchor = "start" if dx > 0 else "end" if dx < 0 else "middle"
        name = actor.name if len(actor.name) <= 28 else actor.name[:27] + "…"
        # Wide enough for every label in full: names beside the circle ran off its edges.
        width = len(name) * _CHAR_WIDTH * (15 / 13 if actor_id == centre else 1)
        start = x + dx - {"start": 0, "end": width, "middle": width / 2}[anchor]
        left, right = min(left, start - _MARGIN), max(right, start + width + _MARGIN)
        parts.append(
            f'<a href="{escape(link(actor_id))}" class="bf-node bf-kind-{actor.kind}'
            f'{" bf-node--centre" if actor_id == centre else ""}">'
            f'<title>{escape(actor.name)} ({escape(actor.kind)})</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{9 if actor_id == centre else 6}"/>'
            f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}">{escape(name)}</text>'
            "</a>"
        )
    parts[0] = (f'<svg class="bf-network" viewBox="{left:.0f} 0 {right - left:.0f} {_SIZE}" '
                f'role="img" aria-label="Relations between {len(places)} actors" '
                'xmlns="http://www.w3.org/2000/svg">')
    parts.append("</svg>")
    return Markup("".join(parts))
