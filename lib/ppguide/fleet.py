"""A fleet inventory: many clusters and their jobs, from YAML/JSON or from a table (CSV, Excel).

YAML or JSON (`ppguide batch --help` says the same):

    parameters: {facts shared by every cluster}        optional
    jobs: [{product, name?, parameters?}]               the job list of every cluster without its own
    clusters:                                           optional
      - name: tokyo-01                                  the cluster's folder below -o
        parameters: {the cluster's facts}               optional
        jobs: [...]                                     optional: replaces the fleet's job list

A job's parameters are its own, over its cluster's, over the fleet's; each product takes the shared facts
(fleet and cluster) it declares, while a job's own parameters must all be the product's. A shared fact no
product of the fleet (or of the cluster) declares is refused as a misspelling. Without `clusters` the file
is one cluster, today's single-cluster inventory: its jobs go to OUT/<job>; a fleet's to OUT/<cluster>/<job>.

A table (.csv, .xlsx) holds one row per cluster and product: the columns `cluster` (optional: without it the
table is one cluster), `job` (optional job name), `product`, and parameter names. An empty cell is not
given; a cell starting with `[` or `{` is JSON; a list parameter's cell separates its items with `;`.
A row takes the cells whose column its product declares, like shared facts.

Job names default to the product id (`<product>-<n>` for a repeated product); job and cluster names are
folder names (no \\ / : * ? " < > |, no device names, no dot at the start, at most 100 characters), unique
without regard to case (within a cluster for jobs), and not `report.csv`. A bad job or cluster becomes a
`Job` with its error, reported with the others; a fleet that cannot be read at all raises.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import PpguideError, as_typed, did_you_mean
from .inputs import InputError, check_keys, decode, parse_json, read, read_bytes
from .knowledge import Product, load
from .params import folder_name_problem

#: A fleet is written by tools as often as by hand: it may be larger than a parameters file.
MAX_BYTES = 16 << 20
MAX_NODES = 2_000_000
MAX_ROWS = 200_000
REPORT = "report.csv"

FLEET_KEYS = {"parameters": "facts shared by every cluster; each product takes those it declares",
              "jobs": "the job list of every cluster that has none of its own",
              "clusters": "the clusters: [{name, parameters?, jobs?}]; without it the file is one cluster"}
CLUSTER_KEYS = {"name": "the cluster's folder below -o",
                "parameters": "the cluster's facts, over the fleet's; each product takes those it declares",
                "jobs": "the cluster's own job list (instead of the fleet's)"}
JOB_KEYS = {"product": "a product id from `ppguide products`",
            "name": "the job's folder below its cluster's (default: the product id)",
            "parameters": "the job's own parameters, over its cluster's and the fleet's"}
TABLE_COLUMNS = {"cluster": "the cluster's name", "job": "the job's name (default: the product id)",
                 "product": "a product id"}
TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm")


@dataclass
class Job:
    name: str
    product: str
    parameters: dict[str, Any]
    error: PpguideError | None = None      # the job cannot run; reported, not run
    cluster: str = ""                      # "" in a single-cluster inventory
    folder: str | None = None              # below -o: "cluster/job" or "job"; "cluster" for a cluster that
                                           # cannot run; None when no folder is this entry's (bad or taken name)


def name_problem(name: Any) -> tuple[str, str] | None:
    """Why `name` cannot be a job's or cluster's folder, in English and Japanese (None when it can)."""
    why = folder_name_problem(name)
    if why:
        return why
    if name.startswith("."):
        return "a dot at the start (ppguide's temporary folders start so)", "先頭のドット (ppguide の一時フォルダの形)"
    if name.casefold() == REPORT:
        return f"the name of the batch's {REPORT}", f"バッチの {REPORT} と同じ名前"
    return None


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(where, "must be a mapping of parameter names to values", "パラメータ名と値のマッピングが必要です")
    return value


def _job_list(value: Any, where: str) -> list:
    if not isinstance(value, list) or not value:
        raise InputError(where, "must be a non-empty list of {product, name?, parameters?}",
                         "{product, name?, parameters?} の空でないリストが必要です")
    return value


def _products(entries: list) -> list[Product]:
    """The products named by job entries that name a known one (the others are reported with their job)."""
    found = []
    for e in entries:
        if isinstance(e, dict) and isinstance(e.get("product"), str):
            try:
                found.append(load(e["product"]))
            except PpguideError:
                pass
    return found


def _declared(products: list[Product]) -> set[str]:
    return {p.name for product in products for p in product.parameters}


def _refuse_undeclared(shared: dict[str, Any], declared: set[str], where: str, whose_en: str, whose_ja: str) -> None:
    unknown = [k for k in shared if k not in declared]
    if unknown:
        k = unknown[0]
        raise InputError(f"{where}: {as_typed(k)}", f"no product of {whose_en} declares it{did_you_mean(k, declared)}",
                         f"{whose_ja}のどの製品も宣言していないパラメータです{did_you_mean(k, declared)}")


def _folder(cluster: str, name: str) -> str:
    return f"{cluster}/{name}" if cluster else name


def _jobs(entries: list, shared: dict[str, Any], cluster: str, where: str,
          convert: Callable[[Product, dict[str, Any], str], dict[str, Any]] | None = None,
          shared_of: Callable[[int], dict[str, Any]] | None = None,
          label: Callable[[int], str] | None = None) -> list[Job]:
    """The jobs of one cluster: names checked and made unique, shared facts merged under each job's own."""
    jobs: list[Job] = []
    taken: set[str] = set()
    for i, entry in enumerate(entries, 1):
        at = f"{where}: {label(i) if label else f'job {i}'}"
        try:
            check_keys(entry, at, JOB_KEYS, required=("product",))
            product = load(str(entry["product"]))
            own = _mapping(entry.get("parameters"), f"{at}: parameters")
            name = entry.get("name", product.id)
            if "name" not in entry and name.casefold() in taken:
                name = f"{product.id}-{i}"
            why = name_problem(name) or (("a name another job of the cluster already has",
                                          "同じクラスタの別のジョブと同じ名前") if str(name).casefold() in taken else None)
            if why:
                raise InputError(f"{at}: name {as_typed(name)}", f"cannot be a job folder: it has {why[0]}",
                                 f"ジョブのフォルダ名にできません ({why[1]})")
            taken.add(name.casefold())
            declared = {p.name for p in product.parameters}
            facts = {k: v for k, v in (shared_of(i) if shared_of else shared).items() if k in declared}
            if convert:
                facts = convert(product, facts, at)
            jobs.append(Job(name, product.id, facts | own, cluster=cluster, folder=_folder(cluster, name)))
        except PpguideError as exc:
            given = entry.get("name") if isinstance(entry, dict) else None
            product_id = entry.get("product") if isinstance(entry, dict) else None
            folder = None
            if isinstance(given, str) and name_problem(given) is None and given.casefold() not in taken:
                taken.add(given.casefold())
                folder = _folder(cluster, given)
            jobs.append(Job(given if isinstance(given, str) else f"job {i}", str(product_id or ""), {}, exc,
                            cluster=cluster, folder=folder))
    return jobs


def expand(data: Any, where: str = "inventory") -> list[Job]:
    """The jobs of a fleet (or single-cluster) inventory, in order; see the module's text."""
    check_keys(data, where, FLEET_KEYS)
    shared = _mapping(data.get("parameters"), f"{where}: parameters")
    default = data.get("jobs")
    if default is not None:
        _job_list(default, f"{where}: jobs")
    if "clusters" not in data:
        if default is None:
            raise InputError(where, "missing key 'jobs' (the list of jobs) or 'clusters'",
                             "キー 'jobs' または 'clusters' がありません")
        _refuse_undeclared(shared, _declared(_products(default)), f"{where}: parameters", "the jobs", "ジョブ")
        return _jobs(default, shared, "", where)
    clusters = data["clusters"]
    if not isinstance(clusters, list) or not clusters:
        raise InputError(f"{where}: clusters", "must be a non-empty list of {name, parameters?, jobs?}",
                         "{name, parameters?, jobs?} の空でないリストが必要です")
    everyone = list(default or []) + [j for c in clusters if isinstance(c, dict) and isinstance(c.get("jobs"), list)
                                      for j in c["jobs"]]
    _refuse_undeclared(shared, _declared(_products(everyone)), f"{where}: parameters", "the fleet", "フリート")
    jobs: list[Job] = []
    taken: set[str] = set()
    for i, entry in enumerate(clusters, 1):
        name = entry.get("name") if isinstance(entry, dict) else None
        at = f"{where}: cluster {as_typed(name)}" if isinstance(name, str) else f"{where}: cluster {i}"
        why = (("no name (the key 'name')", "名前がありません (キー 'name')") if name is None else name_problem(name)
               or (("a name another cluster already has", "別のクラスタと同じ名前") if name.casefold() in taken else None))
        if not isinstance(entry, dict) or why:
            exc = (InputError(at, f"cannot be a cluster folder: it has {why[0]}", f"クラスタのフォルダ名にできません ({why[1]})")
                   if why and isinstance(entry, dict) else
                   InputError(at, "must be a mapping {name, parameters?, jobs?}", "{name, parameters?, jobs?} のマッピングが必要です"))
            jobs.append(Job("", "", {}, exc, cluster=name if isinstance(name, str) else f"cluster {i}"))
            continue
        assert isinstance(name, str)           # name_problem refuses anything but text
        taken.add(name.casefold())
        try:
            check_keys(entry, at, CLUSTER_KEYS, required=("name",))
            own = _mapping(entry.get("parameters"), f"{at}: parameters")
            entries = entry.get("jobs", default)
            if entries is None:
                raise InputError(at, "has no jobs: give it `jobs`, or give the fleet a `jobs` list",
                                 "ジョブがありません。クラスタまたはフリートに `jobs` を指定してください")
            _job_list(entries, f"{at}: jobs")
            _refuse_undeclared(own, _declared(_products(entries)), f"{at}: parameters",
                               "the cluster's jobs", "このクラスタのジョブ")
        except PpguideError as exc:
            jobs.append(Job("", "", {}, exc, cluster=name, folder=name))
            continue
        jobs.extend(_jobs(entries, shared | own, name, at))
    return jobs


# ------------------------------------------------------------------------------------------------
# tables: CSV and Excel
# ------------------------------------------------------------------------------------------------

def _cell(value: Any, kind: str, where: str) -> Any:
    """A cell as a parameter value: JSON when it starts with [ or {, a list split at ; for a list parameter."""
    if not isinstance(value, str):
        return value               # an Excel number, date or true/false: the parameter's type judges it
    if value[:1] in ("[", "{"):
        return parse_json(value, where)
    if kind.startswith("list[") or kind == "records":
        return [item.strip() for item in value.split(";") if item.strip()]
    return value


def _convert(product: Product, facts: dict[str, Any], where: str) -> dict[str, Any]:
    kinds = {p.name: p.type for p in product.parameters}
    return {k: _cell(v, kinds[k], f"{where}, column {as_typed(k)}") for k, v in facts.items()}


def _csv_rows(path: Path) -> list[list[Any]]:
    text = decode(read_bytes(path, MAX_BYTES), str(path))
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), strict=True)]
    except csv.Error as exc:
        raise InputError(str(path), f"CSV error: {exc}", f"CSV の誤り: {exc}") from None


def _excel_rows(path: Path) -> list[list[Any]]:
    import pandas as pd  # here: only tables need it, and its import is slow

    read_bytes(path, MAX_BYTES)       # exists, readable, not too large
    try:
        frame = pd.read_excel(path, sheet_name=0, header=None, dtype=object, keep_default_na=False, na_values=[])
    except Exception as exc:          # noqa: BLE001 (openpyxl and zipfile raise many kinds)
        raise InputError(str(path), f"cannot be read as an Excel workbook: {exc}",
                         f"Excel ブックとして読めません: {exc}") from None
    return [["" if v is None or (isinstance(v, float) and v != v) else v for v in row]
            for row in frame.itertuples(index=False, name=None)]


def read_table(path: str | Path) -> list[Job]:
    """The jobs of a fleet given as a table (CSV or Excel); see the module's text."""
    path = Path(path)
    where = str(path)
    rows = _excel_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    rows = [r for r in rows if any(v != "" for v in r)]
    if len(rows) < 2:
        raise InputError(where, "needs a header row of column names and at least one row",
                         "列名の見出し行と 1 行以上のデータが必要です")
    if len(rows) > MAX_ROWS:
        raise InputError(where, f"more than {MAX_ROWS} rows", f"{MAX_ROWS} 行を超えています")
    header = [str(h).strip() for h in rows[0]]
    seen: set[str] = set()
    for h in header:
        if h in seen:
            raise InputError(f"{where}: column {as_typed(h)}", "appears twice in the header", "見出しに 2 回あります")
        if h:
            seen.add(h)
    if "product" not in seen:
        raise InputError(where, "has no column 'product' (a product id on each row)", "列 'product' がありません")
    body = []
    for number, row in enumerate(rows[1:], 2):
        cells = {}
        for col, value in zip(header, row):
            if col in TABLE_COLUMNS and isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(int(value)) if float(value).is_integer() else str(value)   # an Excel number as a name
            if value == "":
                continue
            if not col:
                raise InputError(f"{where}: row {number}", "has a value in a column without a name",
                                 "見出しのない列に値があります")
            cells[col] = value
        if len(row) > len(header) and any(v != "" for v in row[len(header):]):
            raise InputError(f"{where}: row {number}", "has more cells than the header has columns",
                             "見出しより多くのセルがあります")
        body.append((number, cells))
    params = [h for h in header if h and h not in TABLE_COLUMNS]
    products = _products([{"product": cells.get("product")} for _, cells in body])
    _refuse_undeclared({h: None for h in params}, _declared(products), f"{where}: column", "the table", "表")

    # Clusters in the order they first appear, each with its rows in order.
    clustered = "cluster" in seen
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    jobs: list[Job] = []
    bad_cluster: list[Job] = []
    for number, cells in body:
        name = cells.pop("cluster", "") if clustered else ""
        if clustered:
            why = ("no cluster name", "クラスタ名がありません") if name == "" else name_problem(name)
            if why:
                bad_cluster.append(Job("", str(cells.get("product", "")), {}, InputError(
                    f"{where}: row {number}: cluster {as_typed(name)}", f"cannot be a cluster folder: it has {why[0]}",
                    f"クラスタのフォルダ名にできません ({why[1]})"), cluster=str(name)))
                continue
        groups.setdefault(name.casefold(), []).append((number, cells | {"cluster": name}))
    for members in groups.values():
        cluster = members[0][1]["cluster"]
        entries, facts = [], []
        for number, cells in members:
            entry = {"product": cells.pop("product", None)}
            if "job" in cells:
                entry["name"] = cells.pop("job")
            cells.pop("cluster")
            if entry["product"] is None:
                entry.pop("product")
            entries.append(entry)
            facts.append((number, cells))
        def cells_of(i: int, rows: list = facts) -> dict[str, Any]:
            return rows[i - 1][1]

        def row_of(i: int, rows: list = facts) -> str:
            return f"row {rows[i - 1][0]}"

        jobs.extend(_jobs(entries, {}, cluster, where, convert=_convert, shared_of=cells_of, label=row_of))
    return jobs + bad_cluster


def read_fleet(path: str | Path) -> list[Job]:
    """The jobs of the inventory in `path`: a table (.csv, .xlsx, .xlsm) or YAML/JSON."""
    path = Path(path)
    if path.suffix.lower() in TABLE_SUFFIXES:
        return read_table(path)
    return expand(read(path, MAX_BYTES, MAX_NODES), str(path))
