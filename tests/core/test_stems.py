"""Which words search takes for the same word."""

from __future__ import annotations

import pytest

from readlist.core.stems import singular, stem


@pytest.mark.parametrize(
    "forms",
    [
        ["model", "models", "modeling", "modelling", "modeled", "modelled"],
        ["train", "trains", "training", "trained"],
        ["unlearn", "unlearning", "unlearned"],
        ["quantization", "quantisation", "quantizations", "quantized", "quantise", "quantizing"],
        ["splat", "splats", "splatting"],
        ["study", "studies", "studied"],
        ["encode", "encodes", "encoding", "encoded"],
        ["rate", "rating", "rated"],
        ["embed", "embeds", "embedding", "embedded"],
        ["behaviour", "behavior", "behaviours"],
        ["centre", "center", "centres"],
        ["analyse", "analyze", "analysed", "analyses"],
        ["label", "labelled", "labeling"],
        ["process", "processes", "processing"],
        ["approach", "approaches"],
        ["llm", "llms"],
    ],
)
def test_inflections_and_spellings_share_a_stem(forms: list[str]) -> None:
    assert len({stem(word) for word in forms}) == 1, [stem(word) for word in forms]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("generation", "generate"),
        ("adapter", "adaptation"),
        ("diffusion", "diffuse"),
        ("four", "for"),
        ("unlearning", "unleashing"),
        ("string", "strong"),
        ("loss", "los"),
        ("analysis", "analyse"),
    ],
)
def test_different_words_stay_apart(one: str, other: str) -> None:
    assert stem(one) != stem(other)


def test_singular_folds_plurals_and_spelling_only() -> None:
    assert singular("models") == singular("model") == "model"
    assert singular("colours") == "color" and singular("policies") == "policy"
    assert singular("modeling") == "modeling"  # a phrase keeps its -ing
    assert singular("3dgs") == "3dgs" and singular("réseaux") == "réseaux"
