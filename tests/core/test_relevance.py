"""Does search find the right papers, first? A relevance set judged by reading the papers.

Each query lists the papers that are *relevant* (they discuss the topic, whatever words they use),
*borderline* ones (they touch the topic in passing or in another sense: neither required nor held
against the ranking; they are left out of the ranking before R-precision is taken, as unjudged
papers are in condensed-list evaluation) and *look-alikes* (sharing a word's letters or another
sense of it) that must not be among the strong matches. Every other paper is not relevant.

- recall: the share of the relevant papers the list shows at all (strong or weaker matches);
- R-precision: the share of relevant papers among the first R shown, R being how many are relevant.

Both must be at least 0.9 for every query. ``python -m tests.core.test_relevance`` prints the table.
The judgements were made from the text, before and independently of the ranking.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from readlist.core.importer import import_files
from readlist.core.library import Library
from readlist.core.model import paper_id
from readlist.core.search import SearchIndex
from readlist.core.selection import Columns, select_papers

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "relevance.txt"
SEEDS = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "seeds"
FLOOR = 0.9


@dataclass(frozen=True)
class Judged:
    query: str
    relevant: frozenset[str]
    borderline: frozenset[str] = field(default_factory=frozenset)
    look_alikes: frozenset[str] = field(default_factory=frozenset)


def judged(
    query: str, relevant: list[str], borderline: list[str] = (), look_alikes: list[str] = ()
) -> Judged:
    return Judged(query, frozenset(relevant), frozenset(borderline), frozenset(look_alikes))


# -- the seeds (paper ids; the title beside each) -----------------------------------------------

UNLEARNING = [
    "d6486cc965",  # Towards Scalable Exact Machine Unlearning Using Parameter-Efficient Fine-Tuning
    "2e5fad47d1",  # Fast Machine Unlearning Without Retraining Through Selective Synaptic Dampening
    "bf485a5776",  # Negative Preference Optimization: From Catastrophic Collapse to Effective Unlearning
    "dab79ef2f5",  # WAGLE: Strategic Weight Attribution for Effective and Modular Unlearning in LLMs
    "08a9cb000a",  # Latent Adversarial Training ...: uses targeted LAT to unlearn knowledge
]
UNLEARNING_BORDERLINE = [
    "adb29f58cc",  # Efficient Online RL Fine-Tuning Need Not Retain Offline Data: "unlearning" as forgetting
]
UNLEARNING_LOOK_ALIKES = [
    "8936686429",  # MoS: Unleashing Parameter Efficiency of Low-Rank Adaptation
    "9dfec801b3",  # Unleashing the Power of Pre-trained Language Models for Offline RL
    "9b2cc33a58",  # Proximity QA: Unleashing the Power of Multi-Modal LLMs
    "be8522374b",  # HoVLE: Unleashing the Power of Monolithic Vision-Language Models
    "517be09db9",  # Hint-Aug: ... Parameter-Efficient Tuning
    "79cca3b98e",  # Exploring Parameter-Efficient Fine-Tuning Techniques for Code Generation
]
# Papers that use, adapt or compare with LoRA (low-rank adaptation) by name or description.
LORA = [
    "676a442bb8",
    "ab3b6d1db7",
    "29eef3ac72",
    "f194de0f84",
    "cfb50a1ab7",
    "870f49425f",
    "b251d0c62f",
    "e80bc24bd0",
    "53fb6ece44",
    "daab0a39ec",
    "19cb2a4b23",
    "7925d8b887",
    "48dd1ebe27",
    "7278285560",
    "ca995b6df8",
    "8f1c8c8646",
    "9dfec801b3",
    "9b8c9f4871",
    "b949667684",
    "7dfbda7045",
    "93edbf2530",
    "14e7209795",
    "c1bb8bcee6",
    "08f7129ed7",
    "f0a94ef5eb",
    "2458c5cbfd",
    "98a3da0d98",
    "134fa498a7",
    "6627b620e2",
    "43d0bf2543",
    "7b1689d12a",
    "e11a6a5b6d",
    "43f481f54f",
    "2e003a45fd",
    "c52999a909",
    "8936686429",
    "5674b41e0e",
    "6ad1f3974d",
    "7777d32ef8",
    "385289deba",
    "251a2b9ba3",
    "71951077cd",
    "7c568f32c3",
    "ef7e0a1b4c",  # MTLoRA: A Low-Rank Adaptation Approach (never says LoRA alone)
    "0ff925a3f7",  # One QuantLLM for ALL: "Low-Rank adapters"
]
LORA_BORDERLINE = [
    "7aaf437860",  # My3DGen: low-rank fine-tuning of a generator
    "7c2918aed4",  # DSEE: sparsity-aware low-rank updates
    "6f9f576449",  # SLTrain: low-rank pretraining, names low-rank adaptation as prior work
    "87a84a98a9",  # ComPEFT: compares with QLoRA
    "72fa1f2831",  # Compacter: low-rank hypercomplex adapters
    "a2f16bd7f0",  # DePT: a pair of low-rank matrices in prompt tuning
]
REWARD_MODEL = [
    "6b08b46cd0",  # MedS3: trains a policy model and a reward model
    "71951077cd",  # Online DPO: preference optimisation without reward models
]
REWARD_MODEL_BORDERLINE = [
    "8b9469bb61",  # A-LoL: sequence-level classifiers as rewards
    "d3eb149292",  # CALM: an LLM provides auxiliary rewards
]
SPLATTING = [
    "28c748b3d7",  # EndoGaussian: Real-time Gaussian Splatting ...
    "07752c9aa3",  # Triplane Meets Gaussian Splatting
    "77d93ba429",  # Gaussian-Flow: 4D reconstruction with dynamic 3D Gaussians
    "4c0f1189f7",  # Turbo-GS: Accelerating 3D Gaussian Fitting
    "eeb8c6f678",  # Wild-GS: builds on 3D Gaussian Splatting
    "ec5eb05a33",  # Street Gaussians: a scene of 3D Gaussians (never says splatting)
]
SPLATTING_LOOK_ALIKES = [
    "8ab3a4804c",  # image quality scores as a Gaussian distribution
    "8f09d7c897",  # Immiscible Diffusion: Gaussian noise
]
FEDERATED = ["d1467d4e3d", "e80bc24bd0", "c7d02f9d63", "ae0452f381", "09c9d2354d"]
SPECULATIVE = [
    "a1efb2fe07",  # Clover: Regressive Lightweight Speculative Decoding
    "5e7c78e1cb",  # Token Recycling: a speculative decoding method
    "8fecc946ba",  # FS-GEN: studies speculative decoding among collaborative decoding
]

SEED_QUERIES = [
    judged("machine unlearning", UNLEARNING, UNLEARNING_BORDERLINE, UNLEARNING_LOOK_ALIKES),
    judged("unlearning", UNLEARNING, UNLEARNING_BORDERLINE, UNLEARNING_LOOK_ALIKES),
    judged("unlerning", UNLEARNING, UNLEARNING_BORDERLINE, UNLEARNING_LOOK_ALIKES),  # a typo
    judged("lora", LORA, LORA_BORDERLINE),
    judged("reward model", REWARD_MODEL, REWARD_MODEL_BORDERLINE),
    judged('"reward model"', REWARD_MODEL),
    judged("gaussian splatting", SPLATTING, [], SPLATTING_LOOK_ALIKES),
    judged("gausian splating", SPLATTING, [], SPLATTING_LOOK_ALIKES),  # typos
    judged("federated learning", FEDERATED),
    judged("federeted lerning", FEDERATED),  # typos
    judged("speculative decoding", SPECULATIVE),
]

# -- our own fixture (titles) -------------------------------------------------------------------

FIXTURE_QUERIES = [
    judged(
        "machine unlearning",
        [
            "Forgetting on Request: Machine Unlearning for Image Classifiers",
            "Certified Data Deletion in Linear Models",
            "Selective Forgetting in Large Language Models",
        ],
        look_alikes=[
            "Unleashing Small Models for On-Device Translation",
            "Machine Translation with Retrieved Examples",
        ],
    ),
    judged(
        "reward model",
        [
            "Training Reward Models from Pairwise Preferences",
            "Reward-Model Ensembles Against Overoptimisation",
        ],
        ["Direct Preference Optimization Without a Separate Critic"],
    ),
    judged(
        '"reward model"',
        [
            "Training Reward Models from Pairwise Preferences",
            "Reward-Model Ensembles Against Overoptimisation",
        ],
    ),
    judged(
        "lora",
        [
            "LoRA Adapters for Multilingual Speech Recognition",
            "Low-Rank Adaptation Meets Quantized Backbones",
            "Merging LoRA Modules Without Interference",
        ],
        look_alikes=["Curiosity-Driven Exploration for Open-Ended Games"],
    ),
    judged(
        "gaussian splatting",
        ["3D Gaussian Splatting for Dynamic Scenes", "Compact Scene Representations with Fewer Gaussians"],
        look_alikes=[
            "Gaussian Processes for Hyperparameter Search",
            "Denoising with Gaussian Noise Schedules",
        ],
    ),
    judged(
        "quantisation",
        [
            "Post-Training Quantisation of Vision Transformers",
            "Quantization-Aware Training for Speech Models",
            "Low-Rank Adaptation Meets Quantized Backbones",
        ],
        ["Compact Scene Representations with Fewer Gaussians"],
        ["Quantum Circuits for Kernel Estimation"],
    ),
    judged(
        "diffusion modles",  # a typo
        [
            "Latent Diffusion Models for Audio Generation",
            "Distilling Diffusion Models into Few-Step Generators",
            "Denoising with Gaussian Noise Schedules",
        ],
    ),  # not "Information Diffusion": it holds both words
    judged(
        "retreival augmented generation",  # a typo
        ["Retrieval-Augmented Generation for Question Answering"],
        ["Dense Retrieval with Hard Negatives"],
    ),
    judged(
        "curiosity exploration",
        [
            "Curiosity-Driven Exploration for Open-Ended Games",
            "Sparse Rewards in Long-Horizon Robot Tasks: Curiosity Helps World Models",
        ],
    ),
]
# The fixture names papers by title: their ids follow from it.
FIXTURE_QUERIES = [
    Judged(j.query, *(frozenset(map(paper_id, group)) for group in (j.relevant, j.borderline, j.look_alikes)))
    for j in FIXTURE_QUERIES
]


@dataclass(frozen=True)
class Measured:
    recall: float
    r_precision: float
    strong: list[str]


def measure(library: Library, index: SearchIndex, columns: Columns, case: Judged) -> Measured:
    selection = select_papers(library, case.query, index=index, columns=columns)
    ids = library.papers.ids
    shown = [ids[i] for i in selection.indices]
    strong = shown[: getattr(selection, "strong", len(shown))]
    ranked = [pid for pid in shown if pid not in case.borderline]
    r = len(case.relevant)
    return Measured(len(case.relevant & set(shown)) / r, len(case.relevant & set(ranked[:r])) / r, strong)


def open_library(folder: Path, files: list[Path]) -> tuple[Library, SearchIndex, Columns]:
    library = Library(folder)
    import_files(library, [str(f) for f in files])
    return library, SearchIndex(library.papers, library.state.notes(), library.order), Columns(library)


@pytest.fixture(scope="module")
def fixture_library(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Library, SearchIndex, Columns]]:
    opened = open_library(tmp_path_factory.mktemp("relevance"), [FIXTURE])
    yield opened
    opened[0].close()


@pytest.fixture(scope="module")
def seed_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, SearchIndex, Columns]]:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip("../shared/seeds is not present")
    opened = open_library(tmp_path_factory.mktemp("relevance-seeds"), files)
    yield opened
    opened[0].close()


def check(opened: tuple[Library, SearchIndex, Columns], case: Judged) -> None:
    library, index, columns = opened
    assert case.relevant <= set(library.papers.ids), "a judged paper is missing from the library"
    got = measure(library, index, columns, case)
    assert got.recall >= FLOOR, f"{case.query}: recall {got.recall:.2f}"
    assert got.r_precision >= FLOOR, f"{case.query}: R-precision {got.r_precision:.2f}"
    assert not case.look_alikes & set(got.strong), f"{case.query}: a look-alike is among the strong matches"


@pytest.mark.parametrize("case", FIXTURE_QUERIES, ids=lambda case: case.query)
def test_fixture_queries(fixture_library: tuple[Library, SearchIndex, Columns], case: Judged) -> None:
    check(fixture_library, case)


@pytest.mark.parametrize("case", SEED_QUERIES, ids=lambda case: case.query)
def test_seed_queries(seed_library: tuple[Library, SearchIndex, Columns], case: Judged) -> None:
    check(seed_library, case)


def table() -> str:
    """The figures of every query, as a Markdown table."""
    lines = [
        "| set | query | relevant | recall | R-precision | strong matches |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    sets = [("fixture", [FIXTURE], FIXTURE_QUERIES)]
    if SEEDS.is_dir():
        sets.append(("seeds", sorted(SEEDS.glob("*.txt")), SEED_QUERIES))
    for name, files, cases in sets:
        with tempfile.TemporaryDirectory() as folder:
            library, index, columns = open_library(Path(folder), files)
            for case in cases:
                got = measure(library, index, columns, case)
                lines.append(
                    f"| {name} | `{case.query}` | {len(case.relevant)} | {got.recall:.2f} | "
                    f"{got.r_precision:.2f} | {len(got.strong)} |"
                )
            library.close()
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(table() + "\n")
