"""Incidents: what happened, where, when, with what, to whom, by whose account.

| module          | what                                                                  |
|-----------------|-----------------------------------------------------------------------|
| taxonomy.py     | event types (ACLED-aligned), weapons/agents, trigger words            |
| dates.py        | date expressions resolved against the publication date               |
| casualties.py   | killed / injured figures with qualifiers and groups                  |
| actors.py       | perpetrators and targets, normalised, with an actor kind              |
| extract.py      | sentence frames grouped into incident mentions (modality, main/background) |
| records.py      | mentions -> model records (IncidentMention, CasualtyFigure, Link)     |
| acled.py        | the ACLED-like CSV rows of stored mentions                            |

The analyzer that runs all of this is ``claimscope.analyzers.incidents``; docs/incidents.md
documents the rules.
"""
