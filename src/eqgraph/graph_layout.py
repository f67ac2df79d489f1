"""Where each node of a graph view is drawn: a force-directed layout computed once at build time.

A layout made in the browser on every visit moved the nodes each time, so a view shared by a link did
not look the same to the person who opened it. Positions are computed here, with a fixed seed and in
the nodes' sorted order (never set order), so the same graph always gets the same picture, on every
device; the browser only draws them.

The method is Fruchterman-Reingold (attraction along edges, repulsion between nodes, a cooling step),
pure Python because the build carries no numerical library. Each connected component is laid out on
its own and the components are then packed in rows, biggest first, so that small islands do not drift
to the edges of the picture. Repulsion is computed exactly between all pairs in small components and,
in larger ones, only between nodes in neighbouring cells of a grid (the repulsion of far nodes is
small), which keeps the cost close to linear in the number of nodes. A last pass pushes apart nodes
whose discs overlap.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict

SEED = 18
EDGE = 110.0  # the ideal edge length, in the units of node sizes
ITERATIONS = 60
MIN_ITERATIONS = 20
BUDGET = 1_500_000  # pairs of nodes whose repulsion is computed, over all steps of one component
EXACT_UP_TO = 40  # nodes in a component below which repulsion is computed between all pairs
GAP = 80.0  # between packed components
GRAVITY = 0.05


def layout(nodes: dict[str, float], edges: list[tuple[str, str, float]]) -> dict[str, tuple[float, float]]:
    """Positions (x, y) for `nodes` (id -> disc diameter) joined by `edges` (source, target, weight)."""
    neighbours: dict[str, dict[str, float]] = {n: {} for n in nodes}
    for source, target, weight in edges:
        if source != target and source in neighbours and target in neighbours:
            w = neighbours[source].get(target, 0.0) + weight
            neighbours[source][target] = neighbours[target][source] = w
    placed = [_component(part, neighbours, nodes) for part in _components(neighbours)]
    return _pack(placed, nodes)


def _components(neighbours: dict[str, dict[str, float]]) -> list[list[str]]:
    seen: set[str] = set()
    parts = []
    for start in sorted(neighbours):
        if start in seen:
            continue
        seen.add(start)
        part, stack = [], [start]
        while stack:
            node = stack.pop()
            part.append(node)
            for other in sorted(neighbours[node]):
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        parts.append(sorted(part))
    return sorted(parts, key=lambda p: (-len(p), p[0]))


def _component(part: list[str], neighbours: dict[str, dict[str, float]],
               sizes: dict[str, float]) -> dict[str, list[float]]:
    if len(part) == 1:
        return {part[0]: [0.0, 0.0]}
    n = len(part)
    rng = random.Random(f"{SEED}:{part[0]}:{n}")
    side = EDGE * math.sqrt(n)
    xs = [rng.uniform(0, side) for _ in part]
    ys = [rng.uniform(0, side) for _ in part]
    index = {node: i for i, node in enumerate(part)}
    links = [(index[a], index[b], 1.0 + math.log(w)) for a in part for b, w in sorted(neighbours[a].items())
             if index[a] < index[b]]
    k2 = EDGE * EDGE
    steps, work = ITERATIONS, 0
    temperature = side / 8
    for step in range(steps):
        mx = [0.0] * n
        my = [0.0] * n
        # A dense component has many near pairs: it stops early, so the build's cost stays bounded
        # (where it stops depends on the positions only, so it is the same on every build).
        if work > BUDGET and step >= MIN_ITERATIONS:
            break
        work += _repulse(n, xs, ys, mx, my, k2, EDGE)
        for i, j, w in links:
            dx, dy = xs[i] - xs[j], ys[i] - ys[j]
            f = w * math.sqrt(dx * dx + dy * dy) / EDGE  # d²/k along the unit vector
            mx[i] -= dx * f
            my[i] -= dy * f
            mx[j] += dx * f
            my[j] += dy * f
        cx, cy = sum(xs) / n, sum(ys) / n
        for i in range(n):  # a little gravity keeps loosely held nodes near the rest
            dx = mx[i] - GRAVITY * (xs[i] - cx)
            dy = my[i] - GRAVITY * (ys[i] - cy)
            d = math.sqrt(dx * dx + dy * dy)
            if d > 0:
                limit = min(d, temperature) / d
                xs[i] += dx * limit
                ys[i] += dy * limit
        temperature = max(side / 8 * (1 - (step + 1) / steps), 1.0)
    _separate(xs, ys, [sizes.get(node, 20.0) for node in part], 20 if n <= 200 else 6)
    return {node: [xs[i], ys[i]] for i, node in enumerate(part)}


def _cells(n: int, xs: list[float], ys: list[float], k: float) -> dict[tuple[int, int], list[int]]:
    """The nodes by grid cell of side 2k; a small component is one cell (all its pairs count)."""
    if n <= EXACT_UP_TO:
        return {(0, 0): list(range(n))}
    cell = 2 * k
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in range(n):
        grid[(int(xs[i] // cell), int(ys[i] // cell))].append(i)
    return grid


NEIGHBOURS = ((1, -1), (1, 0), (1, 1), (0, 1))  # each neighbouring pair of cells once


def _cell_groups(grid: dict[tuple[int, int], list[int]]):
    """Each cell's nodes with the groups they meet: the cell itself (`True`: its pairs within) and
    each neighbouring cell that has nodes (`False`), so every near pair is met once."""
    for (gx, gy), members in grid.items():
        groups = [(members, True)]
        for ox, oy in NEIGHBOURS:
            others = grid.get((gx + ox, gy + oy))
            if others:
                groups.append((others, False))
        yield members, groups


def _repulse(n: int, xs: list[float], ys: list[float], mx: list[float], my: list[float], k2: float,
             k: float) -> int:
    """Adds to (mx, my) the repulsion k²/d between the pairs whose repulsion counts (all of them in a
    small component, else those in the same or neighbouring grid cells of side 2k), and answers how
    many pairs that was. The hot loop of a build's views: written out, with the pairs never listed."""
    count = 0
    grid = _cells(n, xs, ys, k)
    for members, groups in _cell_groups(grid):
        for position, i in enumerate(members):
            xi, yi = xs[i], ys[i]
            fx = fy = 0.0
            for others, same in groups:
                for j in (others[position + 1:] if same else others):
                    dx, dy = xi - xs[j], yi - ys[j]
                    d2 = dx * dx + dy * dy
                    if d2 < 0.01:  # two nodes on one spot: part them in a fixed direction
                        dx, dy, d2 = 0.1 * (i - j), 0.1, 0.01 * ((i - j) ** 2 + 1)
                    f = k2 / d2  # k²/d along the unit vector (dx/d): k²·dx/d²
                    fx += dx * f
                    fy += dy * f
                    mx[j] -= dx * f
                    my[j] -= dy * f
            mx[i] += fx
            my[i] += fy
        size = len(members)
        count += size * (size - 1) // 2 + sum(size * len(others) for others, same in groups if not same)
    return count


def _separate(xs: list[float], ys: list[float], sizes: list[float], rounds: int = 20) -> None:
    """Push apart nodes whose discs (with a margin) overlap, looking at the pairs in the same or
    neighbouring grid cells (most are far enough apart along one axis, at a glance)."""
    n = len(xs)
    for _ in range(rounds):
        moved = False
        grid = _cells(n, xs, ys, EDGE)
        for members, groups in _cell_groups(grid):
            for others, same in groups:
                for position, i in enumerate(members):
                    size = sizes[i]
                    for j in (others[position + 1:] if same else others):
                        need = (size + sizes[j]) / 2 + 12
                        dx = xs[j] - xs[i]
                        if dx >= need or dx <= -need:
                            continue
                        dy = ys[j] - ys[i]
                        if dy >= need or dy <= -need:
                            continue
                        d = math.sqrt(dx * dx + dy * dy)
                        if d < need:
                            if d < 0.01:
                                dx, dy, d = 1.0, 0.0, 1.0
                            push = (need - d) / 2 / d
                            xs[i] -= dx * push
                            ys[i] -= dy * push
                            xs[j] += dx * push
                            ys[j] += dy * push
                            moved = True
        if not moved:
            return


def _pack(placed: list[dict[str, list[float]]], sizes: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Components side by side in rows about as wide as the whole is tall times 1.6 (a screen's shape)."""
    boxes = []
    for pos in placed:
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        pad = max(sizes.get(n, 20) for n in pos) / 2
        boxes.append((min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad))
    area = sum((b[2] - b[0] + GAP) * (b[3] - b[1] + GAP) for b in boxes)
    width = max(math.sqrt(area * 1.6), max((b[2] - b[0] for b in boxes), default=0.0))
    out: dict[str, tuple[float, float]] = {}
    x = y = row = 0.0
    for pos, (x0, y0, x1, y1) in zip(placed, boxes):
        if x > 0 and x + (x1 - x0) > width:
            x, y, row = 0.0, y + row + GAP, 0.0
        for node, (px, py) in pos.items():
            out[node] = (round(px - x0 + x, 1), round(py - y0 + y, 1))
        x += x1 - x0 + GAP
        row = max(row, y1 - y0)
    return out
