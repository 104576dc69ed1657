"""The provider feed API's core: provider keys, upload limits, load records, the service.

Providers upload their feed over HTTP (``api/feeds/``); it is validated at once with the
indexer's own validation, stored in Redis under a load id and indexed by a worker job
(``workers/feed_loads.py``) with the indexer's own loader.
"""
