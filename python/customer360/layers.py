"""Layers only point down: check the model graph of a parsed dbt project (``target/manifest.json``).

    dbt parse && python -m customer360.layers            # or: customer360 layers
    python -m customer360.layers --manifest other/manifest.json

Every model and snapshot belongs to a layer by its folder, and each layer has a rank (``LAYERS``, the
order of DESIGN.md's "Data flow, one direction only"; DECISIONS.md "Layers only point down" says why each
folder sits where it does)::

    0 staging                  models/staging/<system>/
    1 quarantine, conform      models/intermediate/quarantine/, models/intermediate/conform/
    2 identity                 models/intermediate/identity/ (and its snapshot, snapshots/snp_identity__*)
    3 customer                 models/intermediate/customer/   (the customer facts every domain reads)
    4 domains                  models/intermediate/{surveys,communications,governance,roi}/
    5 marts                    models/marts/<area>/

A node may read seeds (reference data) and nodes of its own folder, and otherwise only nodes of a lower
rank. Reported, each naming the edge (``reader <- read``):

- **upward**: a node reads a node of a higher rank (an intermediate model reading a mart);
- **sideways**: a node reads a node of the same rank in another folder (one domain reading another;
  ``surveys`` and ``roi`` share customer facts through ``customer``, not through each other). Mart areas
  are the exception: a mart may read a published mart of another area (``dim_customers`` is the
  customers' dimension of every area), as long as the areas form no loop;
- **skipping**: a mart reads staging, or a model outside staging reads a source;
- **unplaced**: a model or snapshot in a folder the table does not place (a new folder must be given a
  rank here, on purpose);
- **not a mart**: an exposure or a semantic model (MetricFlow) reads something other than a mart;
- **folder loops**: folders that read each other, directly or through other folders (a strongly
  connected set of the folder graph), e.g. ``marts/core`` ⇄ ``marts/lifecycle``.

Exit status 1 when anything is reported, so ``make test`` (python/tests/test_layers.py) fails on it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# Folder (under the project) -> (layer, rank). The longest folder a file lies under wins.
LAYERS: dict[str, tuple[str, int]] = {
    "models/staging": ("staging", 0),
    "models/intermediate/quarantine": ("quarantine", 1),
    "models/intermediate/conform": ("conform", 1),
    "models/intermediate/identity": ("identity", 2),
    "models/intermediate/customer": ("customer", 3),
    "models/intermediate/surveys": ("surveys", 4),
    "models/intermediate/communications": ("communications", 4),
    "models/intermediate/governance": ("governance", 4),
    "models/intermediate/roi": ("roi", 4),
    "models/marts": ("marts", 5),
}
# Snapshots live in snapshots/ (dbt's snapshot-paths) but belong to the folder they keep the history of.
SNAPSHOT_FOLDERS: dict[str, str] = {
    "snapshots/snp_identity__": "intermediate/identity",
}
MARTS_RANK = 5
STAGING_RANK = 0
GRAPH_NODES = ("model", "snapshot")


@dataclass(frozen=True)
class Placement:
    node_id: str
    name: str
    layer: str | None  # None: a folder LAYERS does not place
    rank: int | None
    folder: str  # staging/<system>, intermediate/<area>, marts/<area>, snapshots, seeds, sources


@dataclass
class Report:
    nodes: int = 0
    edges: int = 0
    bad_edges: list[str] = field(default_factory=list)  # "<kind>: reader <- read (why)"
    folder_loops: list[list[str]] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.bad_edges or self.folder_loops or self.unplaced)

    def lines(self) -> list[str]:
        out = [f"{self.nodes} models and snapshots, {self.edges} edges between them checked"]
        out.append(f"upward or sideways edges: {len(self.bad_edges)}")
        out += [f"  {edge}" for edge in self.bad_edges]
        out.append(f"folder loops: {len(self.folder_loops)}")
        out += [f"  {' -> '.join(loop + loop[:1])}" for loop in self.folder_loops]
        out.append(f"nodes in a folder without a layer: {len(self.unplaced)}")
        out += [f"  {path}" for path in self.unplaced]
        return out


def _folder(path: str) -> str:
    """``models/marts/core/x.sql`` -> ``marts/core``; ``snapshots/x.sql`` -> ``snapshots``."""
    parts = Path(path).parts
    if parts and parts[0] == "models":
        return "/".join(parts[1:3]) if len(parts) > 3 else "/".join(parts[1:2])
    return parts[0] if parts else ""


def place(node_id: str, node: dict) -> Placement:
    resource = node.get("resource_type")
    if resource == "seed":
        return Placement(node_id, node["name"], "reference", -1, "seeds")
    if resource == "source":
        return Placement(node_id, f"{node['source_name']}.{node['name']}", "source", -1, "sources")
    path = node.get("original_file_path", "")
    snapshot_of = [folder for prefix, folder in SNAPSHOT_FOLDERS.items() if path.startswith(prefix)]
    folder = snapshot_of[0] if snapshot_of else _folder(path)
    if snapshot_of:
        path = f"models/{folder}/{Path(path).name}"
    matches = [prefix for prefix in LAYERS if path.startswith(prefix.rstrip("/") + "/")]
    if not matches:
        return Placement(node_id, node["name"], None, None, folder)
    layer, rank = LAYERS[max(matches, key=len)]
    return Placement(node_id, node["name"], layer, rank, folder)


def _edge_problem(reader: Placement, read: Placement) -> str | None:
    if read.layer == "reference":
        return None
    if read.layer == "source":
        return None if reader.layer == "staging" else "skipping: reads a source outside staging"
    if read.rank is None or reader.rank is None:
        return None  # reported once as unplaced
    if read.folder == reader.folder:
        return None
    if reader.rank == MARTS_RANK and read.rank == STAGING_RANK:
        return "skipping: a mart reads staging"
    if read.rank > reader.rank:
        return f"upward: {reader.layer} reads {read.layer}"
    if read.rank == reader.rank and reader.rank != MARTS_RANK:
        return f"sideways: {reader.folder} reads {read.folder}"
    return None


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative); components of two or more folders, each sorted, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return sorted(components)


def check(manifest: dict) -> Report:
    """Check every edge into a model or snapshot of the root project, and the folder graph."""
    project = manifest.get("metadata", {}).get("project_name")
    everything = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
    ours = {
        node_id: node for node_id, node in manifest.get("nodes", {}).items()
        if node.get("resource_type") in GRAPH_NODES and node.get("package_name") == project
    }
    report = Report(nodes=len(ours))
    folders: dict[str, set[str]] = defaultdict(set)
    for node_id, node in sorted(ours.items()):
        reader = place(node_id, node)
        if reader.rank is None:
            report.unplaced.append(node.get("original_file_path", node_id))
        for parent_id in sorted(set(node.get("depends_on", {}).get("nodes", []))):
            if parent_id not in everything:
                continue  # a macro or another package's node
            read = place(parent_id, everything[parent_id])
            report.edges += 1
            problem = _edge_problem(reader, read)
            if problem:
                report.bad_edges.append(f"{reader.name} <- {read.name} ({problem})")
            if read.folder != reader.folder and read.layer not in ("reference", "source"):
                folders[reader.folder].add(read.folder)
    for kind in ("exposures", "semantic_models"):
        for node_id, node in sorted(manifest.get(kind, {}).items()):
            if node.get("package_name") != project:
                continue
            for parent_id in node.get("depends_on", {}).get("nodes", []):
                read = place(parent_id, everything[parent_id]) if parent_id in everything else None
                if read is not None and read.rank != MARTS_RANK:
                    report.bad_edges.append(
                        f"{node['name']} <- {read.name} (not a mart: {kind[:-1].replace('_', ' ')} reads {read.layer})"
                    )
    report.folder_loops = _strongly_connected(folders)
    return report


def load_manifest(path: Path) -> dict:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `dbt parse` first")
    return json.loads(path.read_text(encoding="utf-8"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--manifest", type=Path, default=Path("target/manifest.json"),
                        help="dbt's manifest, written by `dbt parse` (default: target/manifest.json)")


def run(args: argparse.Namespace) -> int:
    try:
        report = check(load_manifest(args.manifest))
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m customer360.layers", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
