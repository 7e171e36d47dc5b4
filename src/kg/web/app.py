"""The Starlette application behind ``kg serve``, and the :class:`Site` its modules share."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.templating import Jinja2Templates

from ..config import Settings
from ..store import EmbeddedStore, StoreError

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


@dataclass
class Site:
    """What every part of the web application needs: settings, the store, templates.

    The store is opened read-only, once per process: ``kg serve`` publishes what was ingested
    before it started (``kg ingest`` holds the store's write lock meanwhile).
    """

    settings: Settings
    store_path: Path
    templates: Jinja2Templates = field(default_factory=lambda: Jinja2Templates(directory=str(TEMPLATES_DIR)))

    @property
    def base(self) -> str:
        return self.settings.base

    @cached_property
    def store(self) -> EmbeddedStore:
        return EmbeddedStore(self.store_path, read_only=True)


def create_app(settings: Settings, store_path: str | Path | None = None) -> Starlette:
    """The whole site for the embedded store at ``store_path`` (default: ``settings.store``).

    Raises :class:`kg.store.StoreError` when there is no store there.
    """
    from . import api, linked, sparql, ui, void

    path = Path(store_path if store_path is not None else settings.store)
    if not (path / "CURRENT").exists():
        raise StoreError(f"no store at {path} (run `kg ingest ... --store {path}` first)")
    site = Site(settings=settings, store_path=path)
    site.store  # open now: a broken store fails at start, not at the first request

    @contextlib.asynccontextmanager
    async def lifespan(app):
        async with sparql.lifespan(site):
            yield

    routes = [*sparql.routes(site), *void.routes(site), *api.routes(site), *ui.routes(site),
              *linked.routes(site)]  # linked data last: it answers every other path under the base
    middleware = [Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
                             allow_headers=["*"], expose_headers=["*"])]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.site = site
    return app
