"""The shipped analyzers. Importing this package registers each of them in the pipeline.

| analyzer    | module          | writes                                            |
|-------------|-----------------|---------------------------------------------------|
| language    | language.py     | spans ``language:<code>`` per paragraph           |
| sentences   | sentences.py    | spans ``sentence``                                |
| claims      | claims.py       | claims (speaker, cue, content, type, polarity, check-worthiness) and ``attribution.*`` spans |
| techniques  | techniques.py   | persuasion technique spans + ``technique_claim`` links |
| embeddings  | embeddings.py   | a unit vector per claim (``claim_vectors``) for similar-claim search |
| incidents   | incidents.py    | incident mentions, casualty figures, ``claim_incident`` links |
| stance      | stance.py       | ``stance`` links: each claim's stance toward its incident mention |
"""

from claimscope.analyzers import claims, embeddings, incidents, language, sentences, stance, techniques  # noqa: F401
