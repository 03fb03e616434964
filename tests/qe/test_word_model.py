"""The shipped word-level quality model (mtcheck/data/qe-word-v2.json) on small inputs of our own.

Real model, real encoder: all-MiniLM-L6-v2 from the ``embeddings`` extra (installed in CI) and the
shipped model file; nothing is mocked. Each kind of error is tried on several stories; each
paraphrase must stay quiet. Fluency is off so the tests run in seconds.
"""

from __future__ import annotations

import pytest

from mtcheck.config import Config
from mtcheck.pipeline import Checker
from mtcheck.readers import Article


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(Config(fluency=False, fail_on="never", quality_model="on", embeddings="on"))


def check(checker: Checker, mt: str, ref: str) -> dict:
    report = checker.run([Article(id="t", text=mt, reference=ref)], strict=True).to_json()
    return report["documents"][0]


def model_findings(doc: dict) -> list[dict]:
    return [f for f in doc["findings"] if f["code"].startswith("MT61")]


# (MT, re-translation, the MT word that must be flagged)
SWAPS = [
    # a name
    ("Finance Minister Lindner presented the budget to parliament on Wednesday afternoon.",
     "Finance Minister Habeck presented the budget to parliament on Wednesday afternoon.", "Lindner"),
    ("Coach Ancelotti said the team would travel to Munich without its injured captain.",
     "Coach Guardiola said the team would travel to Munich without its injured captain.", "Ancelotti"),
    ("Prime Minister Sanchez met the union leaders in Madrid to discuss the pension reform.",
     "Prime Minister Costa met the union leaders in Madrid to discuss the pension reform.", "Sanchez"),
    # a weekday
    ("The ceasefire talks will resume in Doha on Thursday, the mediators said.",
     "The ceasefire talks will resume in Doha on Tuesday, the mediators said.", "Thursday"),
    ("The new museum wing will open to the public on Saturday after three years of work.",
     "The new museum wing will open to the public on Sunday after three years of work.", "Saturday"),
    ("Voting in the local elections closes on Monday evening, the electoral board said.",
     "Voting in the local elections closes on Friday evening, the electoral board said.", "Monday"),
    # a unit
    ("The new high-speed line will be 240 miles long and cost 12 billion euros.",
     "The new high-speed line will be 240 kilometres long and cost 12 billion euros.", "miles"),
    ("The storm dropped 40 centimetres of snow on the mountain villages overnight.",
     "The storm dropped 40 inches of snow on the mountain villages overnight.", "centimetres"),
    ("The tanker was carrying 80,000 tonnes of crude oil when it ran aground.",
     "The tanker was carrying 80,000 barrels of crude oil when it ran aground.", "tonnes"),
    # a company
    ("Shares of Siemens fell 4 percent after the company cut its profit forecast.",
     "Shares of Bosch fell 4 percent after the company cut its profit forecast.", "Siemens"),
    ("Investors sold shares of Nokia after the company warned of weaker sales in China.",
     "Investors sold shares of Ericsson after the company warned of weaker sales in China.", "Nokia"),
    ("The regulator fined Ryanair 2 million euros for late refunds to passengers.",
     "The regulator fined easyJet 2 million euros for late refunds to passengers.", "Ryanair"),
    # a company or a name as the first word of a sentence
    ("Volkswagen said on Tuesday that it would cut 2,000 jobs at its plant in Zwickau.",
     "Audi said on Tuesday that it would cut 2,000 jobs at its plant in Zwickau.", "Volkswagen"),
    ("Airbus announced a new chief executive after the board met in Toulouse.",
     "Boeing announced a new chief executive after the board met in Toulouse.", "Airbus"),
    ("The talks ended without a deal late on Friday. Nissan said it would keep the plant open until March.",
     "The talks ended without a deal late on Friday. Toyota said it would keep the plant open until March.",
     "Nissan"),
    ("Scholz told reporters in Berlin that the coalition would survive the budget crisis.",
     "Merkel told reporters in Berlin that the coalition would survive the budget crisis.", "Scholz"),
]  # fmt: skip

POLARITY = [
    # a dropped negation
    ("The court ruled that the new surveillance law is compatible with the constitution.",
     "The court ruled that the new surveillance law is not compatible with the constitution.", "compatible"),
    ("Officials said the factory would reopen next month despite the flooding.",
     "Officials said the factory would not reopen next month because of the flooding.", "reopen"),
    # an antonym
    ("Exports to Asia rose sharply in the third quarter, the statistics office reported.",
     "Exports to Asia fell sharply in the third quarter, the statistics office reported.", "rose"),
    ("The opposition party won the regional election by a narrow margin.",
     "The opposition party lost the regional election by a narrow margin.", "won"),
    ("Unemployment in the region increased last year, the labour office reported.",
     "Unemployment in the region decreased last year, the labour office reported.", "increased"),
    # a dropped negation, third story
    ("The minister said the border crossings would remain open during the holidays.",
     "The minister said the border crossings would not remain open during the holidays.", "remain"),
]  # fmt: skip

DROPPED_CLAUSE = [
    ("The mayor opened the new bridge on Monday.",
     "The mayor opened the new bridge on Monday, two years after construction was halted by protests "
     "from residents who feared the traffic."),
    ("The airline cancelled 300 flights.",
     "The airline cancelled 300 flights after air traffic controllers in France walked out over a "
     "pay dispute that has dragged on since the spring."),
]  # fmt: skip

PARAPHRASES = [
    ("The central bank kept up its pressure on lenders to cut fees throughout the year.",
     "The central bank maintained its pressure on lenders to cut fees throughout the year."),
    ("Experts say local councils should be more involved in decision making on new housing.",
     "Experts say local councils should be more involved in decision-making on new housing."),
    ("The emergency session of the council was called at the request of Kiev.",
     "The emergency session of the council was convened at Kyiv's request."),
    ("The company said its profits had gone up by a fifth compared with last year.",
     "The company said its profits had risen by a fifth compared with last year."),
    # a name spelled another way, between the same neighbours: no swap
    ("Prime Minister Sanchez met the union leaders in Madrid on Monday.",
     "Prime Minister Sánchez met the union leaders in Madrid on Monday."),
    ("The ferry to Kiev was cancelled on Sunday because of the storm.",
     "The ferry to Kyiv was cancelled on Sunday because of the storm."),
    # another common noun as a sentence's first word: no swapped name
    ("Officials said the bridge would reopen to traffic on Monday after repairs.",
     "Authorities said the bridge would reopen to traffic on Monday after repairs."),
    ("Analysts expect the central bank to raise interest rates again in March.",
     "Economists expect the central bank to raise interest rates again in March."),
    ("The robbery happened on Sunday night. Police arrested two men near the station.",
     "The robbery happened on Sunday night. Officers arrested two men near the station."),
]  # fmt: skip


@pytest.mark.parametrize(("mt", "ref", "word"), SWAPS + POLARITY, ids=[w for *_, w in SWAPS + POLARITY])
def test_changed_word_is_flagged(checker: Checker, mt: str, ref: str, word: str) -> None:
    doc = check(checker, mt, ref)
    start = mt.index(word)
    hits = [f for f in model_findings(doc) if f["start"] <= start < f["end"]]
    assert hits, f"{word!r} not flagged; MT61x: {[(f['text'], f['message']) for f in model_findings(doc)]}"
    assert hits[0]["evidence"], "a finding quotes the re-translation as evidence"


@pytest.mark.parametrize(("mt", "ref"), DROPPED_CLAUSE)
def test_dropped_clause_is_flagged(checker: Checker, mt: str, ref: str) -> None:
    doc = check(checker, mt, ref)
    found = model_findings(doc)
    assert found, "a dropped clause must be flagged"
    assert any("missing here" in (f["evidence"] or "") for f in found)


@pytest.mark.parametrize(("mt", "ref"), PARAPHRASES)
def test_paraphrase_stays_quiet(checker: Checker, mt: str, ref: str) -> None:
    doc = check(checker, mt, ref)
    assert not model_findings(doc), [(f["text"], f["message"]) for f in model_findings(doc)]
    assert not [f for f in doc["findings"] if f["category"] in ("mistranslation", "omission")]


def test_quality_orders_clean_above_garbled(checker: Checker) -> None:
    ref = PARAPHRASES[0][1] + " " + SWAPS[1][1] + " " + POLARITY[2][1]
    clean = check(checker, PARAPHRASES[0][0] + " " + SWAPS[1][1] + " " + POLARITY[2][1], ref)
    bad = check(checker, PARAPHRASES[0][0] + " " + SWAPS[1][0] + " " + POLARITY[2][0], ref)
    assert clean["scores"]["quality"] > bad["scores"]["quality"]


def test_signature_names_the_model(checker: Checker) -> None:
    report = checker.run([Article(id="t", text=SWAPS[0][0], reference=SWAPS[0][1])]).to_json()
    assert "|qe:qe-word-v2@" in report["signature"]
