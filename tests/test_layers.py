"""The house's rules, read from the code itself: every module lives under the one import name `roi`, and a
layer imports only from layers below it (ARCHITECTURE.md draws them)."""
import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# roi.<package> -> its layer, bottom (0) to top. Two packages of one layer never import each other.
LAYERS = {
    "contracts": 0,     # errors, settings types, the raw-table type
    "schemas": 1,       # pandera models and the valid/quarantined split
    "transforms": 2,    # pure polars normalisers
    "warehouse": 2,     # DuckDB: DDL, views, load
    "sources": 3,       # export files and API clients
    "pipeline": 4,      # one source x one window; roi.toml -> Settings
    "outputs": 5,       # report, exports, alerts, terminal tables: read the warehouse only
    "mmm": 5,           # the media-mix model: weekly data from the warehouse, fits and plans back into it
    "flows": 6,         # Prefect flows and deployments
    "cli": 7,           # the command line
    "samples": 7,       # the demo generator (imports nothing of roi's layers)
}
FOLDERS = {name: ROOT / name for name in LAYERS}


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in a file, at any depth (lazy imports inside functions too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "roi":   # from roi import schemas
                found += [(node.lineno, f"roi.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def modules():
    for package, folder in FOLDERS.items():
        for path in sorted(folder.rglob("*.py")):
            yield package, path


def layer_violations() -> list[str]:
    """One line per import that skips the `roi` name or points to a layer not below its own."""
    wrong = []
    for package, path in modules():
        where = path.relative_to(ROOT)
        for line, module in imports(path):
            top, _, rest = module.partition(".")
            if top in FOLDERS:
                wrong.append(f"{where}:{line}: imports '{module}' — import it as roi.{module}")
            elif top == "roi" and rest:
                target = rest.split(".")[0]
                if target not in LAYERS:
                    continue   # roi.__main__ and the like
                if target != package and LAYERS[target] >= LAYERS[package]:
                    wrong.append(f"{where}:{line}: {package} (layer {LAYERS[package]}) imports roi.{target} "
                                 f"(layer {LAYERS[target]}): a layer imports only from layers below it")
    return wrong


def test_every_import_goes_through_roi_and_points_down():
    assert layer_violations() == []


def packages_on_disk() -> dict[str, str]:
    """roi.<layer>[.<subpackage>] -> its folder, for every folder holding an __init__.py in a layer's folder."""
    found = {"roi": "roi"}
    for folder in FOLDERS.values():
        for init in sorted(folder.rglob("__init__.py")):
            where = init.parent.relative_to(ROOT)
            found[".".join(["roi", *where.parts])] = where.as_posix()
    return found


def folder_of(package: str, package_dir: dict[str, str]) -> str:
    """The folder setuptools builds a package from: its own package-dir entry, else its nearest parent's + the rest."""
    parts = package.split(".")
    for i in range(len(parts), 0, -1):
        if (prefix := ".".join(parts[:i])) in package_dir:
            return "/".join([package_dir[prefix], *parts[i:]])
    return "/".join(parts)


def test_every_layer_folder_is_a_roi_package_and_bench_is_not_installed():
    # every layer and each subpackage of a layer (samples/exports/ -> roi.samples.exports), no more, no less, each
    # built from its own folder: a package missing here is missing from the wheel
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    expected = packages_on_disk()
    assert {f"roi.{name}" for name in LAYERS} <= expected.keys()
    assert sorted(config["packages"]) == sorted(expected)
    assert {package: folder_of(package, config["package-dir"]) for package in config["packages"]} == expected
    assert config["package-dir"].keys() <= expected.keys()
    assert not any("bench" in p for p in config["packages"])


def test_the_layer_check_catches_an_upward_and_a_bare_import(tmp_path, monkeypatch):
    # The check above can fail: a warehouse module importing the pipeline, a transform importing `sources`.
    (tmp_path / "warehouse").mkdir()
    (tmp_path / "transforms").mkdir()
    (tmp_path / "warehouse" / "bad.py").write_text("def f():\n    from roi.pipeline.config import load_settings\n")
    (tmp_path / "transforms" / "bad.py").write_text("import sources.files\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "FOLDERS", {n: tmp_path / n for n in LAYERS})
    assert layer_violations() == [
        "transforms/bad.py:1: imports 'sources.files' — import it as roi.sources.files",
        "warehouse/bad.py:2: warehouse (layer 2) imports roi.pipeline (layer 4): a layer imports only from "
        "layers below it",
    ]


def test_an_installed_roi_lives_beside_a_package_named_schemas(tmp_path):
    """pip install . (a real wheel build) into a folder that also holds another top-level `schemas`: both import,
    each its own, and the installed roi finds its SQL views and bundled demo."""
    target, project = tmp_path / "site", tmp_path / "project"
    # a copy of what a clone holds, so that the build leaves nothing (build/, *.egg-info) in the repository
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".*", "data", "build", "*.egg-info", "__pycache__",
                                                                  "tests", "bench"))
    built = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                            "--target", str(target), str(project)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    (target / "schemas").mkdir()
    (target / "schemas" / "__init__.py").write_text("OTHER = 'not roi'\n")
    assert not (target / "bench").exists() and not (target / "flows").exists()
    probe = ("import schemas, roi.schemas, roi.warehouse.build as b, roi.pipeline.config as c\n"
             "print(schemas.OTHER, roi.schemas.Orders.__name__, len(list(b.VIEWS_DIR.glob('*.sql'))) > 20, "
             "c.DEMO_CONFIG.is_file(), roi.schemas.__file__.startswith(%r))" % str(target))
    # the project's own dependencies (polars, pandera …) come from this interpreter; roi and `schemas` from target
    run = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["not", "roi", "Orders", "True", "True", "True"]
