"""CLI commands of the linking stage: link, incidents, incident (dossier, merge, split),
narratives, contradictions. Registered on the main group by ``register(main)`` at the end of
claimscope/cli.py, so that module only needs a one-line hook."""

from __future__ import annotations

import json
import textwrap
from typing import Any

import click


def link_with_progress(cs, *, force: bool = False) -> Any:
    """Run the linking stage with a progress bar on stderr and print its summary."""
    from claimscope.cli import _progress
    from claimscope.linking import STEPS

    with _progress(len(STEPS), "step", "link") as bar:
        def advance(step: str) -> None:
            bar.set_postfix_str(step)
            bar.update(1)
        report = cs.link(force=force, progress=advance)
    click.echo(report.summary())
    for warning in report.warnings[:10]:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    return report


class _IncidentGroup(click.Group):
    """``incident ID`` shows the dossier; ``incident merge|split ...`` edit incidents."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


def _fmt_span(ev: dict[str, Any], width: int = 92) -> str:
    quote = " ".join((ev.get("quote") or "").split())
    if len(quote) > width:
        quote = quote[: width - 1] + "…"
    return f"“{quote}”  [{ev['article_id'][:10]} {ev['start']}-{ev['end']}]"


def print_dossier(d: dict[str, Any]) -> None:
    inc = d["incident"]
    when = inc["date_start"] if inc["date_start"] == inc["date_end"] else f"{inc['date_start']} / {inc['date_end']}"
    click.secho(f"incident {inc['id']}: {inc['label']}" + ("  [edited by hand]" if inc["locked"] else ""), bold=True)
    click.echo(f"  type {inc['event_type']}   weapon {inc['agent'] or '-'}   date {when or '-'} ({inc['date_precision']})"
               f"   place {inc['place_name'] or '-'} ({inc['geo_precision'] or '-'})")
    src = d["sources"]
    click.echo(f"  {src['articles']} articles, {src['count']} independent sources"
               + (f" ({len(src['copies'])} syndicated copies not counted)" if src["copies"] else ""))
    for group in src["groups"]:
        click.echo(f"    - {group['owner']}: {', '.join(group['outlets'])} ({len(group['articles'])} articles)")
    labels = {"alleged": "Alleged by", "denied": "Denied by", "counter_accused": "Counter-accusations",
              "corroborated": "Corroborated by", "reported": "Reported (neutral)"}
    for role, rows in d["positions"].items():
        if not rows:
            continue
        click.secho(f"\n{labels.get(role, role)} ({d['sources']['by_role'].get(role, 0)} independent sources)", bold=True)
        for e in rows:
            whom = f" -> blames {e['whom']}" if e.get("whom") else ""
            click.echo(f"  {str(e['published_at'] or '')[:10]:<10}  {(e['speaker'] or '-')[:40]}  ({e['outlet'] or '-'}){whom}")
            click.echo(f"      {_fmt_span(e['evidence'])}")
    if d["casualties"]:
        click.secho("\nCasualty figures", bold=True)
        for kind, data in d["casualties"].items():
            spread = data.get("spread")
            extra = f"   spread {spread['low']:g}-{spread['high']:g} over {spread['figures']} figures" if spread else ""
            click.echo(f"  {kind}{extra}")
            for f in data["per_source"]:
                value = f["low"] if f["high"] in (None, f["low"]) else f"{f['low']}-{f['high']}"
                qual = f"{f['qualifier']} " if f.get("qualifier") and f["qualifier"] != "exact" else ""
                group = f" ({f['group']})" if f.get("group") and f["group"] != "all" else ""
                copy = "  [syndicated copy]" if f.get("syndicated_copy_of") else ""
                click.echo(f"    {qual}{value}{group}  according to {f['source'] or '-'} ({f['outlet'] or '-'}, "
                           f"{str(f['published_at'] or '')[:10]}){copy}")
                click.echo(f"      {_fmt_span(f['evidence'])}")
    if d["perpetrators"]:
        click.secho("\nPerpetrator attributions", bold=True)
        for p in d["perpetrators"]:
            click.echo(f"  {p['perpetrator']}  according to {p['according_to'] or '-'} ({p['outlet'] or '-'}, "
                       f"{p['modality']})")
    if d["contradictions"]:
        click.secho("\nContradictions", bold=True)
        for c in d["contradictions"]:
            click.echo(f"  [{c['kind']}] {c['detail']}")
            for side in ("a", "b"):
                if side in c:
                    click.echo(f"      {side}: {_fmt_span(c[side])}")
    click.secho("\nWhy these mentions are one incident", bold=True)
    for ev in d["evidence"]:
        if ev.get("kind") == "manual":
            click.echo(f"  manual {ev['action']} (edit {ev['edit']}, {ev.get('at') or ''})")
        else:
            arts = " + ".join(a[:10] for a in ev["articles"])
            click.echo(f"  {arts}: " + "; ".join(ev["reasons"]))
    if not d["evidence"]:
        click.echo("  reported by a single mention")


def register(main: click.Group) -> None:
    from claimscope.cli import CONTEXT, _db_option, _open

    @main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope link            # after 'claimscope analyze' (which also runs it)
  claimscope link --force    # rebuild even if nothing changed""")
    @click.option("--force", is_flag=True, help="Rebuild even if nothing changed since the last run.")
    @_db_option
    def link(force, db):
        """Link across articles: cluster incidents, find contradictions and narratives."""
        cs = _open(db)
        link_with_progress(cs, force=force)
        cs.close()

    @main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope incidents
  claimscope incidents --min-articles 2 --json""")
    @click.option("--min-articles", type=int, default=1, show_default=True, help="Only incidents reported by this many articles.")
    @click.option("--limit", type=int, default=100, show_default=True)
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
    @_db_option
    def incidents(min_articles, limit, as_json, db):
        """List incidents (clusters of incident mentions across articles)."""
        cs = _open(db)
        rows = [r for r in cs.store.incidents() if r["article_count"] >= min_articles][:limit]
        for r in rows:
            if as_json:
                click.echo(json.dumps({k: v for k, v in r.items() if k != "evidence"}, ensure_ascii=False))
            else:
                lock = " *" if r["locked"] else ""
                click.echo(f"{r['id']:>5}  {str(r['date_start'] or '----------')[:10]:<10}  {r['article_count']:>3} art  "
                           f"{r['mention_count']:>3} men  {r['label']}{lock}")
        if not rows and not as_json:
            click.echo("no incidents (run 'claimscope analyze' and 'claimscope link')", err=True)
        cs.close()

    @main.group(cls=_IncidentGroup, context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope incident 3                    # the dossier of incident 3
  claimscope incident 3 --json
  claimscope incident merge 3 7            # 7 is the same incident as 3 (kept by later runs)
  claimscope incident split 3 --mention 41 # mention 41 is a different incident""")
    def incident():
        """An incident's dossier (who alleged, denied, counter-accused, corroborated; figures;
        sources), or a manual merge/split."""

    @incident.command("show", context_settings=CONTEXT)
    @click.argument("incident_id", type=int)
    @click.option("--json", "as_json", is_flag=True, help="The dossier as one JSON object.")
    @_db_option
    def show(incident_id, as_json, db):
        """The dossier of one incident."""
        cs = _open(db)
        dossier = cs.incident(incident_id)
        if dossier is None:
            raise click.ClickException(f"no incident {incident_id}; list them with 'claimscope incidents'")
        if as_json:
            click.echo(json.dumps(dossier, ensure_ascii=False, indent=2))
        else:
            print_dossier(dossier)
        cs.close()

    @incident.command("merge", context_settings=CONTEXT)
    @click.argument("keep", type=int)
    @click.argument("other", type=int)
    @click.option("--author", help="Who made the edit (recorded with it).")
    @_db_option
    def merge(keep, other, author, db):
        """Merge incident OTHER into KEEP; later runs keep the merge."""
        from claimscope.linking import EditError

        cs = _open(db)
        try:
            report = cs.merge_incidents(keep, other, author=author)
        except EditError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"merged incident {other} into {keep}; {report.summary()}")
        cs.close()

    @incident.command("split", context_settings=CONTEXT)
    @click.argument("incident_id", type=int)
    @click.option("--mention", "mentions", type=int, multiple=True, required=True,
                  help="Mention id to move into a new incident (repeatable; ids in 'incident ID --json').")
    @click.option("--author", help="Who made the edit (recorded with it).")
    @_db_option
    def split(incident_id, mentions, author, db):
        """Move mentions out of an incident into a new one; later runs keep the split."""
        from claimscope.linking import EditError

        cs = _open(db)
        try:
            report = cs.split_incident(incident_id, list(mentions), author=author)
        except EditError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"split {len(mentions)} mention(s) out of incident {incident_id}; {report.summary()}")
        cs.close()

    @main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope narratives
  claimscope narratives --min-outlets 3 --json""")
    @click.option("--min-outlets", type=int, default=1, show_default=True)
    @click.option("--limit", type=int, default=50, show_default=True)
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
    @_db_option
    def narratives(min_outlets, limit, as_json, db):
        """Narratives: matching claims repeated across outlets and time."""
        cs = _open(db)
        from claimscope.linking import list_narratives

        rows = [n for n in list_narratives(cs.store, with_members=as_json) if n["outlet_count"] >= min_outlets][:limit]
        for n in rows:
            if as_json:
                click.echo(json.dumps(n, ensure_ascii=False))
                continue
            click.secho(f"narrative {n['id']}: {n['claim_count']} claims, {n['article_count']} articles, "
                        f"{n['outlet_count']} outlets, {str(n['first_seen'] or '?')[:10]} .. {str(n['last_seen'] or '?')[:10]}",
                        bold=True)
            click.echo(textwrap.indent(textwrap.fill("“" + " ".join(n["label"].split()) + "”", 96), "  "))
            click.echo(f"  outlets: {', '.join(n['attrs'].get('outlets', []))}")
            click.echo("  per month: " + ", ".join(f"{k} {v}" for k, v in n["attrs"].get("per_month", {}).items()))
        if not rows and not as_json:
            click.echo("no narratives (run 'claimscope analyze'; narratives need claims from 2+ articles)", err=True)
        cs.close()

    @main.command(context_settings=CONTEXT, epilog="""\b
Examples:
  claimscope contradictions
  claimscope contradictions --kind casualty --incident 3 --json""")
    @click.option("--kind", type=click.Choice(["casualty", "attribution", "claim"]))
    @click.option("--incident", "incident_id", type=int, help="Only this incident.")
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
    @_db_option
    def contradictions(kind, incident_id, as_json, db):
        """Conflicting casualty figures, perpetrator attributions and claims, with both spans."""
        cs = _open(db)
        rows = cs.contradictions(kind=kind, incident_id=incident_id)
        for c in rows:
            if as_json:
                click.echo(json.dumps(c, ensure_ascii=False))
                continue
            click.secho(f"[{c['kind']}] incident {c['incident_id']}: {c['detail']}", bold=True)
            for side in ("a", "b"):
                if side in c:
                    click.echo(f"    {side}: {str(c[side].get('published_at') or '')[:10]} {c[side].get('outlet') or '-'}")
                    click.echo(f"       {_fmt_span(c[side])}")
        if not rows and not as_json:
            click.echo("no contradictions found", err=True)
        cs.close()

