"""Analysis as a background job: POST /api/analyze, then poll GET /api/jobs/{id}."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse

from claimscope.web.schemas import AnalyzeIn, ErrorOut, JobAccepted, JobOut
from claimscope.web.security import require_write

router = APIRouter(prefix="/api", tags=["analysis"])


@router.post("/analyze", response_model=JobAccepted, status_code=202, dependencies=[Depends(require_write)],
             summary="Queue analysis of new or outdated articles; answers at once with a job to poll",
             responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 422: {"model": ErrorOut},
                        429: {"model": ErrorOut}})
def analyze(request: Request, body: AnalyzeIn | None = None):
    body = body or AnalyzeIn()
    try:
        job = request.app.state.cs.jobs.submit_analyze(body.analyzers, body.limit, body.rerun)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    url = f"/api/jobs/{job.id}"
    return JSONResponse({"job": job.to_dict(), "status_url": url}, status_code=202, headers={"Location": url})


@router.get("/jobs", response_model=list[JobOut], summary="Recent jobs, newest first")
def jobs(request: Request):
    return [j.to_dict() for j in request.app.state.cs.jobs.list()]


@router.get("/jobs/{job_id}", response_model=JobOut, summary="A job's status and progress",
            responses={404: {"model": ErrorOut}})
def job(job_id: str, request: Request):
    found = request.app.state.cs.jobs.get(job_id)
    if found is None:
        raise HTTPException(404, f"no job {job_id!r} (jobs are kept in memory until the server restarts)")
    return found.to_dict()
