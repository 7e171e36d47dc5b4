"""Publishing: ``kg serve`` serves the embedded store as linked open data.

One module per concern, each contributing its routes to the application made by
:func:`kg.web.app.create_app`:

* :mod:`kg.web.sparql` and :mod:`kg.web.workers`: the SPARQL 1.1 Protocol endpoint ``/sparql``,
  each query run in a worker process that is stopped at the time limit;
* :mod:`kg.web.linked`: dereferenceable IRIs under the base (HTML pages, RDF by content
  negotiation), ``/ontology`` and ``/shapes``;
* :mod:`kg.web.void`: the VoID/DCAT description, the N-Quads dump and the sitemap;
* :mod:`kg.web.api`: the named questions as a JSON/CSV API with an OpenAPI description;
* :mod:`kg.web.ui`: the query page (YASGUI, shipped as static files).
"""
from .app import Site, create_app

__all__ = ["Site", "create_app"]
