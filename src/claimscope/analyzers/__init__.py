"""The shipped analyzers. Importing this package registers each of them in the pipeline.

| analyzer    | module          | writes                                            |
|-------------|-----------------|---------------------------------------------------|
| language    | language.py     | spans ``language:<code>`` per paragraph           |
| sentences   | sentences.py    | spans ``sentence``                                |
"""

from claimscope.analyzers import language, sentences  # noqa: F401
