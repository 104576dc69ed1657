"""GraphQL of the visit finder: ``searchStudyVisits`` and its types."""
