"""Entity resolution: one IRI per real person or organisation, within an article and across the store.

- ``keys``: within an article, every entity gets a key built from its normalised name (people by
  their words in any order, organisations by acronym or name, units under their parent's key);
- ``store``: before an article's graph is stored, its people and organisations are matched to the
  nodes the store already holds (by name, by a name that bridges two nodes, a unit by its parent);
- ``audit``: every decision is kept as a ``kg:Resolution`` in the graph whose node it explains.
"""
from .audit import resolution_iri, resolution_triples
from .keys import assign_keys, unit_name
from .store import StoreResolver

__all__ = ["StoreResolver", "assign_keys", "resolution_iri", "resolution_triples", "unit_name"]
