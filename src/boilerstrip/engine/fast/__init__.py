"""The optional compiled prefilter (``pip install 'boilerstrip[fast]'``).

``widen.py`` rewrites rule patterns into Hyperscan expressions that can only
match more; ``database.py`` compiles, caches and loads them; ``provider.py``
is the second candidate provider (``engine/candidates.py``) built on them.
``regex`` still confirms every candidate, so the output never depends on it.
"""
