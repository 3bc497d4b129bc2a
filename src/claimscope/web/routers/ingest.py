"""Ingest articles: text, HTML, a URL (page or feed) or an uploaded file. Writes: token required."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse

from claimscope.ingest import ALL_EXTENSIONS, Ingestor, IngestOptions, IngestReport
from claimscope.store.base import Store
from claimscope.web.deps import get_store
from claimscope.web.schemas import ErrorOut, HtmlIn, IngestOut, TextIn, UrlIn
from claimscope.web.security import require_write

router = APIRouter(prefix="/api/ingest", tags=["ingest"], dependencies=[Depends(require_write)],
                   responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 429: {"model": ErrorOut}})


def _answer(report: IngestReport) -> JSONResponse:
    body = IngestOut(added=report.added, existing=report.existing,
                     duplicates=[{"copy": c, "original": o, "similarity": s} for c, o, s in report.duplicates],
                     errors=[str(e) for e in report.errors], summary=report.summary())
    status = 201 if report.added else 200 if report.existing else 422
    return JSONResponse(body.model_dump(), status_code=status)


def _meta(body) -> dict:
    return {k: v for k, v in body.model_dump(exclude={"text", "html"}).items() if v is not None}


@router.post("/text", response_model=IngestOut, status_code=201, summary="Ingest one article given as plain text",
             responses={200: {"model": IngestOut, "description": "Already stored"},
                        422: {"model": IngestOut, "description": "Nothing ingested: see errors"}})
def ingest_text(body: TextIn, store: Store = Depends(get_store)):
    return _answer(Ingestor(store).ingest_text(body.text, **_meta(body)))


@router.post("/html", response_model=IngestOut, status_code=201, summary="Ingest one article given as an HTML page",
             responses={200: {"model": IngestOut}, 422: {"model": IngestOut}})
def ingest_html(body: HtmlIn, store: Store = Depends(get_store)):
    return _answer(Ingestor(store).ingest_html(body.html, **_meta(body)))


@router.post("/url", response_model=IngestOut, status_code=201,
             summary="Fetch and ingest a page or feed (public addresses only)",
             responses={200: {"model": IngestOut}, 422: {"model": IngestOut}})
def ingest_url(body: UrlIn, request: Request, store: Store = Depends(get_store)):
    if not body.url.lower().startswith(("http://", "https://")):
        raise HTTPException(422, f"url must start with http:// or https://, got {body.url[:40]!r}")
    options = IngestOptions(outlet=body.outlet)
    options.fetch.allow_private = request.app.state.cs.allow_private_fetch
    return _answer(Ingestor(store, options).ingest([body.url]))


@router.post("/file", response_model=IngestOut, status_code=201,
             summary="Upload a file: .txt, .html, .csv/.tsv dataset, .jsonl, or an RSS/Atom feed",
             responses={200: {"model": IngestOut}, 413: {"model": ErrorOut}, 422: {"model": IngestOut}})
def ingest_file(request: Request, file: UploadFile = File(...), outlet: str | None = Form(None),
                text_col: str | None = Form(None), title_col: str | None = Form(None),
                date_col: str | None = Form(None), outlet_col: str | None = Form(None),
                url_col: str | None = Form(None), store: Store = Depends(get_store)):
    from claimscope.ingest import ColumnMapping

    limit = request.app.state.cs.max_upload_bytes
    # the client's file name is only ever shown, never used as a path: the upload is saved as
    # upload<suffix> in a fresh temporary folder (no traversal, no over-long or odd names)
    name = "".join(ch for ch in Path(file.filename or "upload.txt").name if ch.isprintable()) or "upload.txt"
    suffix = Path(name).suffix.lower()
    if len(name) > 200:
        name = name[:200 - len(suffix)] + "…" + suffix
    if suffix not in ALL_EXTENSIONS:
        raise HTTPException(415, f"cannot ingest {name!r}: the extension {suffix or '(none)'} is not one of "
                                 f"{', '.join(sorted(ALL_EXTENSIONS))}")
    with tempfile.TemporaryDirectory(prefix="claimscope-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with path.open("wb") as out:
            copied = 0
            while chunk := file.file.read(1 << 20):
                copied += len(chunk)
                if copied > limit:
                    raise HTTPException(413, f"upload {name!r} is larger than the server's limit of {limit} bytes")
                out.write(chunk)
        options = IngestOptions(outlet=outlet, mapping=ColumnMapping(text=text_col, title=title_col, date=date_col,
                                                                     outlet=outlet_col, url=url_col))
        report = Ingestor(store, options).ingest([path])
        shutil.rmtree(tmp, ignore_errors=True)
    for error in report.errors:  # name the upload, not the temporary path
        error.args = tuple(str(a).replace(str(path), name) for a in error.args)
    return _answer(report)
