"""The compiled execution path of read-only search queries.

Parsing and validation stay strawberry's (graphql-core's): a document is compiled only
after strawberry has validated it once (:mod:`.registry`). For an operation whose root
fields are all ``searchCourses`` (or ``__typename``), the selection is compiled once per
document, operation and values of the ``@skip``/``@include`` variables into a plan
(:mod:`.plan`) that projects the search service's plain data — Meilisearch's documents,
facet results — straight into the response (:mod:`.course_fields`,
:mod:`.result_fields`), serialized with orjson (:mod:`.endpoint`). Anything else, and any
request that would produce an error, is answered by strawberry as before.
"""
