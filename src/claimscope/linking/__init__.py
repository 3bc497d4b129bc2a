"""Across articles (issue 6): incidents, the dossier, narratives and contradictions.

| module            | what                                                              |
|-------------------|-------------------------------------------------------------------|
| rules.py          | when two incident mentions are the same incident (with evidence)  |
| clustering.py     | mentions -> incident groups (anchored, then floating mentions)    |
| manual.py         | replay of users' merges/splits; stable ids across runs            |
| edits.py          | ``merge_incidents`` / ``split_incident`` (record + rebuild)       |
| records.py        | an incident record (type, weapon, date, place, label) per group   |
| roles.py          | claims' roles toward incidents (stance links, else claim types)   |
| contradictions.py | conflicting figures, attributions and claims                      |
| narratives.py     | clusters of matching claims across outlets and time               |
| dossier.py        | ``build_dossier(store, incident_id) -> dict``                     |
| stage.py          | ``link(store)``: the corpus-level stage, one transaction          |

See docs/linking.md.
"""

from claimscope.linking.dossier import build_dossier, list_contradictions, list_narratives
from claimscope.linking.edits import EditError, merge_incidents, split_incident
from claimscope.linking.stage import STEPS, LinkReport, link

__all__ = ["link", "LinkReport", "STEPS", "build_dossier", "list_contradictions", "list_narratives", "merge_incidents",
           "split_incident", "EditError"]
