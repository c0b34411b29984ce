"""``review.py``: a second opinion on a change, from the repository to checked findings.

The path of a review: :mod:`.change` reads the change out of git (safely, whatever the
repository's configuration says) and parses it into files and hunks; :mod:`.assemble` turns it
into one or more prompts that fit the model (context, masked keys, summaries of binary and
generated files, the repository's own guidance); the shared call core asks the model with the
findings schema of :mod:`.findings`, which then keeps only findings that cite the change;
:mod:`.report` prints them as text, JSON or SARIF.
"""
