// Choosing the response to send upstream when every branch has ended without a 2xx
// (RFC 3261 §16.7 step 6): a 6xx if any, else the lowest class; within a class 4xx prefers the
// answers a caller can act on. A 503 becomes 500 (a proxy must not pass "try another server" on).

/** Smaller is better, per class: among 4xx, auth challenges and "busy" beat "not found". */
function rank(status: number): number {
  const cls = Math.floor(status / 100);
  if (cls === 6) return 0;
  let within = 50;
  if (status === 401 || status === 407) within = 0; // the caller can retry with credentials
  else if (status === 486 || status === 600) within = 1;
  else if (status === 487) within = 2;
  else if (status === 480) within = 3;
  else if (status === 408) within = 40; // our own timeout loses to anything a UA said
  return cls * 100 + within;
}

/** Index of the best final response among `statuses` (all >= 300), or -1 when empty. */
export function bestResponseIndex(statuses: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < statuses.length; i++) {
    if (best < 0 || rank(statuses[i]) < rank(statuses[best])) best = i;
  }
  return best;
}

/** §16.7 step 6: the status to send for a chosen response. */
export function upstreamStatus(status: number): number {
  return status === 503 ? 500 : status;
}
