"""The mapping of an article's facts to its named graph (docs/rdf-mapping.md)."""
from __future__ import annotations

from datetime import date

import pyoxigraph as ox

from kg.article import Agreement, Article, Entity, Extraction, Span
from kg.rdf import to_graph, to_oxigraph
from kg.resolve import StoreResolver, assign_keys
from kg.store import open_store
from kg.validate import Validator

BASE = "http://example.org/id/"
KG = "https://w3id.org/coopkg/ontology#"


def _two_accords() -> Extraction:
    text = ("The two academies signed a new cooperation agreement, which replaces the first accord they "
            "signed in 1994.")
    article = Article.from_text(text, source="x.txt")
    a, b = Entity("Organisation", "Academy of Sciences of Estonia"), Entity("Organisation", "Academy of Sciences of Chile")
    for e in (a, b):
        e.mentions.append(Span(0, 3, "The"))
    evidence = [Span(0, len(text), text)]
    new = Agreement("CooperationAgreement", "Cooperation agreement of the academies", evidence, [a, b], "Signed", date(2024, 5, 2))
    old = Agreement("CooperationAgreement", "Cooperation agreement of the academies (1994)", evidence, [a, b], "Expired", "1994")
    ex = Extraction(article, entities=[a, b], agreements=[old, new], sentences=evidence)
    assign_keys(ex.entities, article.id)
    return ex


def _agreements(triples) -> dict[str, str]:
    status = ox.NamedNode(KG + "status")
    return {t.subject.value: t.object.value.rsplit("#", 1)[1] for t in triples if t.predicate == status}


def test_an_earlier_agreement_of_the_same_parties_is_a_node_of_its_own(tmp_path):
    g = to_graph(_two_accords(), BASE)
    assert Validator().validate(g).conforms
    found = _agreements(to_oxigraph(g))
    assert sorted(found.values()) == ["Expired", "Signed"]
    current = next(iri for iri, s in found.items() if s == "Signed")
    earlier = next(iri for iri, s in found.items() if s == "Expired")
    assert earlier == current + "/1994"  # the current one keeps the IRI every source gives it
    # renamed against a store (parties matched to stored nodes), the two stay two
    store = open_store(tmp_path / "store")
    out, _ = StoreResolver(store, BASE).resolve(to_oxigraph(g))
    assert sorted(_agreements(out).values()) == ["Expired", "Signed"] and len(_agreements(out)) == 2
    store.close()
