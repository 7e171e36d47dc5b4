"""How long the SHACL gate takes per article graph.

    .venv/bin/python bench/validate.py [N]

Builds N (default 200) synthetic article graphs by hand in the shape of docs/rdf-mapping.md
(~200 triples each: people, organisations and units, places, roles, posts, events, agreements,
evidence) and prints milliseconds per article for
  - kg.validate.Validator, graph by graph (what ingest does),
  - the same N graphs validated as one union graph,
  - plain pyshacl.validate() on data + class hierarchy (no validator reuse, no query cache), and
    with ont_graph=the ontology: the configurations we did not pick, for comparison.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD

try:
    import kg  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kg.ontology import KG, ontology_graph, shapes_graph  # noqa: E402
from kg.validate import Validator  # noqa: E402

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
BASE = "http://localhost:8000/id/"

FIRST = ["Li", "Anna", "Omar", "Mei", "Paolo", "Sara", "Kwame", "Ines", "Jun", "Olga", "Ravi", "Lena"]
LAST = ["Wang", "Schmidt", "Haddad", "Chen", "Rossi", "Berg", "Mensah", "Silva", "Sato", "Ivanova"]
ORGS = ["Chinese Academy of Engineering", "UNESCO", "Tsinghua University", "Max Planck Society",
        "CNRS", "University of Nairobi", "IKCEST", "Zhejiang University"]
ROLES = ["Director", "Programme Specialist", "Vice President", "Professor"]
EVENTS = ["Visit", "Meeting", "Workshop", "Forum"]


def article_graph(i: int) -> Graph:
    """One synthetic article graph, ~200 triples, conforming to the shapes."""
    g = Graph()
    g.bind("kg", KG)
    art = URIRef(f"{BASE}article/{i:016x}")
    sentences = [f"Sentence {k} of article {i} about cooperation between institutes." for k in range(14)]
    text = " ".join(sentences)
    g.add((art, RDF.type, KG.Article))
    g.add((art, RDFS.label, Literal(f"Article {i}", lang="en")))
    g.add((art, SCHEMA.headline, Literal(f"Article {i}", lang="en")))
    g.add((art, SCHEMA.url, URIRef(f"https://news.example.org/{i}")))
    g.add((art, SCHEMA.datePublished, Literal(f"2024-05-{1 + i % 28:02d}", datatype=XSD.date)))
    g.add((art, NIF.isString, Literal(text)))
    evid = []
    pos = 0
    for s in sentences:
        e = URIRef(f"{art}#char={pos},{pos + len(s)}")
        g.add((e, RDF.type, NIF.String))
        g.add((e, RDF.type, NIF.RFC5147String))
        g.add((e, NIF.anchorOf, Literal(s)))
        g.add((e, NIF.beginIndex, Literal(pos, datatype=XSD.nonNegativeInteger)))
        g.add((e, NIF.endIndex, Literal(pos + len(s), datatype=XSD.nonNegativeInteger)))
        g.add((e, NIF.referenceContext, art))
        evid.append(e)
        pos += len(s) + 1
    people = []
    for k in range(6):
        name = f"{FIRST[(i + k) % len(FIRST)]} {LAST[(i * 3 + k) % len(LAST)]}"
        p = URIRef(f"{BASE}person/{name.lower().replace(' ', '-')}")
        g.add((p, RDF.type, KG.Person))
        g.add((p, RDFS.label, Literal(name)))
        g.add((p, SKOS.altLabel, Literal(name.split()[-1])))
        g.add((p, SCHEMA.honorificPrefix, Literal("Dr.")))
        people.append(p)
    orgs = []
    for k in range(4):
        name = ORGS[(i + k) % len(ORGS)]
        o = URIRef(f"{BASE}org/{name.lower().replace(' ', '-')}")
        g.add((o, RDF.type, KG.Organisation))
        g.add((o, RDFS.label, Literal(name)))
        g.add((o, SKOS.altLabel, Literal("".join(w[0] for w in name.split()))))
        orgs.append(o)
    for k in range(2):
        u = URIRef(f"{orgs[k]}/department-{k}")
        g.add((u, RDF.type, KG.OrganisationalUnit))
        g.add((u, RDFS.label, Literal(f"Department {k}")))
        g.add((u, ORG.subOrganizationOf, orgs[k]))
        orgs.append(u)
    places = []
    for k, name in enumerate(["Beijing", "Paris"]):
        pl = URIRef(f"{BASE}place/{name.lower()}")
        g.add((pl, RDF.type, KG.Place))
        g.add((pl, RDFS.label, Literal(name)))
        places.append(pl)
    roles = []
    for name in ROLES:
        r = URIRef(f"{BASE}role/{name.lower().replace(' ', '-')}")
        g.add((r, RDF.type, KG.Role))
        g.add((r, RDFS.label, Literal(name, lang="en")))
        roles.append(r)
    for k, p in enumerate(people):
        m = URIRef(f"{BASE}post/{i:08x}{k:08x}")
        g.add((m, RDF.type, KG.Membership))
        g.add((m, RDFS.label, Literal(f"post {k}", lang="en")))
        g.add((m, ORG.member, p))
        g.add((m, ORG.role, roles[k % len(roles)]))
        g.add((m, ORG.organization, orgs[k % len(orgs)]))
        g.add((m, KG.evidence, evid[k]))
    events = []
    for k in range(3):
        ev = URIRef(f"{BASE}event/{i:016x}-{k}")
        g.add((ev, RDF.type, KG[EVENTS[k % len(EVENTS)]]))
        g.add((ev, RDFS.label, Literal(f"{EVENTS[k % len(EVENTS)]} {k}", lang="en")))
        if k == 0:
            g.add((ev, SCHEMA.startDate, Literal("2024-05-03", datatype=XSD.date)))
            g.add((ev, SCHEMA.endDate, Literal("2024-05-05", datatype=XSD.date)))
        elif k == 1:
            g.add((ev, SCHEMA.startDate, Literal("2024-05", datatype=XSD.gYearMonth)))
            g.add((ev, SCHEMA.superEvent, events[0]))
        else:
            g.add((ev, SCHEMA.startDate, Literal("2024", datatype=XSD.gYear)))
        g.add((ev, SCHEMA.location, places[k % 2]))
        g.add((ev, SCHEMA.attendee, people[k]))
        g.add((ev, SCHEMA.attendee, orgs[k]))
        g.add((ev, SCHEMA.organizer, orgs[k + 1]))
        g.add((ev, KG.evidence, evid[6 + k]))
        events.append(ev)
    for k in range(2):
        a = URIRef(f"{BASE}agreement/{i:08x}{k:08x}")
        g.add((a, RDF.type, KG.MemorandumOfUnderstanding if k == 0 else KG.CooperationAgreement))
        g.add((a, RDFS.label, Literal(f"Agreement {k}", lang="en")))
        g.add((a, KG.party, orgs[k]))
        g.add((a, KG.party, orgs[k + 2]))
        g.add((a, KG.status, KG.Signed if k == 0 else KG.UnderNegotiation))
        g.add((a, DCTERMS.date, Literal("2024-05-04", datatype=XSD.date)))
        g.add((a, KG.evidence, evid[10 + k]))
    return g


def _ms(f, n: int) -> float:
    t = time.perf_counter()
    f()
    return (time.perf_counter() - t) * 1000 / n


def main(n: int = 200) -> None:
    graphs = [article_graph(i) for i in range(n)]
    print(f"{n} synthetic article graphs, {statistics.mean(len(g) for g in graphs):.0f} triples each on average")
    v = Validator()
    v.validate(graphs[0])  # warm-up: shapes harvested, SPARQL prepared
    bad = [not v.validate(g).conforms for g in graphs[:5]]
    assert not any(bad), v.validate(graphs[0])

    per = []
    for g in graphs:
        t = time.perf_counter()
        r = v.validate(g)
        per.append((time.perf_counter() - t) * 1000)
        assert r.conforms
    per.sort()
    print(f"Validator, one by one:   {statistics.mean(per):7.2f} ms/article "
          f"(median {per[len(per) // 2]:.2f}, p95 {per[int(len(per) * .95)]:.2f})")

    union = Graph()
    for g in graphs:
        for t in g:
            union.add(t)
    ms = _ms(lambda: v.validate(union), n)
    print(f"Validator, union graph:  {ms:7.2f} ms/article ({len(union)} triples)")

    import pyshacl

    from kg.ontology import class_hierarchy

    shapes, ont, hier = shapes_graph(), ontology_graph(), class_hierarchy()
    k = min(n, 40)

    def plain_copy(g: Graph) -> Graph:
        w = Graph()
        for t in g:
            w.add(t)
        for t in hier:
            w.add(t)
        return w

    ms = _ms(lambda: [pyshacl.validate(plain_copy(g), shacl_graph=shapes, inference="none", inplace=True)
                      for g in graphs[:k]], k)
    print(f"pyshacl.validate(data + class hierarchy), one by one: {ms:7.2f} ms/article (first {k})")
    ms = _ms(lambda: [pyshacl.validate(g, shacl_graph=shapes, ont_graph=ont, inference="none") for g in graphs[:k]], k)
    print(f"pyshacl.validate(ont_graph=ontology), one by one: {ms:7.2f} ms/article (first {k})")

    try:  # optional comparison; pyrudof is not a dependency
        import pyrudof
    except ImportError:
        return
    hier_nt = hier.serialize(format="nt")
    rud = pyrudof.Rudof(pyrudof.RudofConfig())
    rud.read_shacl(str(Path(__file__).resolve().parents[1] / "shapes" / "coopkg.ttl"))
    t = time.perf_counter()
    for g in graphs:
        rud.read_data(g.serialize(format="nt") + hier_nt, format=pyrudof.RDFFormat.NTriples, merge=False)
        assert rud.validate_shacl().conforms
    print(f"pyrudof, one by one:     {(time.perf_counter() - t) * 1000 / n:7.2f} ms/article")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
