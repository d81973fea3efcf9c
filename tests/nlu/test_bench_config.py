"""The benchmark pipeline: config.yml's (or another file's) understanding, without the product's guards."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.bench.nlu import PRODUCT_ONLY, bench_config

ROOT = Path(__file__).resolve().parents[2]


def test_the_product_pipeline_is_measured_without_its_guards_and_policies() -> None:
    config = bench_config(ROOT)
    names = [c["name"] for c in config["pipeline"]]
    product = [c["name"] for c in yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]]
    assert names == [n for n in product if n not in PRODUCT_ONLY]
    assert config["policies"] == []


def test_an_alternative_pipeline_file_is_measured_instead(tmp_path: Path) -> None:
    alternative = tmp_path / "alt.yml"
    alternative.write_text(yaml.safe_dump({"language": "xx", "pipeline": [
        {"name": "WhitespaceTokenizer"}, {"name": "bot.nlu.components.DangerSafetyNet"},
        {"name": "CountVectorsFeaturizer"}, {"name": "LogisticRegressionClassifier"}]}), encoding="utf-8")
    names = [c["name"] for c in bench_config(ROOT, alternative)["pipeline"]]
    assert names == ["WhitespaceTokenizer", "CountVectorsFeaturizer", "LogisticRegressionClassifier"]
