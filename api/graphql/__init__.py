"""The GraphQL layer's guards: cost analysis, string checks, error hygiene, response cap.

Each concept has its own module; :func:`api.graphql_app.build_schema` puts them together.
"""
