// The GraphQL client: one POST to /graphql per operation, JSON in and out.

export class ApiError extends Error {}

/**
 * Run a query or mutation and return its `data`. Throws ApiError when the request fails
 * or the response carries GraphQL errors; a superseded request (aborted through `signal`)
 * throws the browser's AbortError.
 */
export async function graphql(query, variables = {}, { signal } = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`HTTP ${response.status}`);
  }
  if (body.errors?.length) {
    throw new ApiError(body.errors.map((error) => error.message).join("; "));
  }
  if (!response.ok || !body.data) {
    throw new ApiError(`HTTP ${response.status}`);
  }
  return body.data;
}

export function isAbort(error) {
  return error?.name === "AbortError";
}
