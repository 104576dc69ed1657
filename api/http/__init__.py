"""The API's HTTP edge: request limits, read deadlines, media types, request-level errors
and the client address behind a proxy."""
