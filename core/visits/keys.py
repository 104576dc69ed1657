"""Every Redis key of study-visit registrations, in one place.

Personal data (name, email, phone) lives only in the registration hash, which expires a
set number of days after the visit. Every other key holds ids, timestamps or keyed
hashes (HMAC with the secret key) of an email address or a client address.

* ``studyvisit:registration:{id}`` – hash: the registration (system of record), with
  its sent-markers ``mail:{kind}`` and failures ``mailFailure:{kind}``.
* ``studyvisit:{visit_id}:active`` – set of the visit's active registration ids (see
  :mod:`core.visits.seats`).
* ``studyvisit:{visit_id}:emails`` – hash: email HMAC → active registration id.
* ``studyvisit:index:visits`` – sorted set: visit ids that have had registrations, by
  start time (reconciliation against the index).
* ``studyvisit:index:confirmed`` – sorted set: confirmed registration ids by visit start
  (reminders).
* ``studyvisit:index:reminders`` – sorted set: confirmed registration ids by the time
  their reminder is due (see :mod:`core.visits.reminders`).
* ``studyvisit:index:expiries`` – sorted set: registration ids by expiry (purge).
* ``studyvisit:index:registration-visits`` – hash: registration id → visit id (purge).
* ``studyvisit:index:outbox`` – sorted set: ``{job}:{registration id}`` of emails owed,
  by the time they were owed (re-enqueued if a job never got queued).
* ``studyvisit:index:closing`` – sorted set: ``{step}:{registration id}`` by due time
  (provider reminders and expiry of unanswered registrations, :mod:`core.visits.closing`).
* ``studyvisit:{visit_id}:waitlist`` – sorted set: WAITLISTED registration ids by their
  place in line (``studyvisit:{visit_id}:waitlist:seq`` counts the places given).
* ``studyvisit:index:offers`` – sorted set: OFFERED registration ids by the offer's
  expiry (the waitlist sweep passes a lapsed offer on).
* ``studyvisit:index:waitlists`` – set: visit ids with someone on the waitlist.
* ``studyvisit:mine:{email hmac}`` – sorted set: the address's registration ids by
  their expiry ("my study visits", :mod:`core.visits.my_registrations`).
* ``studyvisit:contacts:{email hmac}`` – sorted set: organisation digits of a course
  contact, by the latest expiry of a registration on its visits (the provider's page
  link asked for again, :mod:`core.visits.provider_links`).
* ``studyvisit:{visit_id}:attendance`` – hash: ``attended``/``absent`` → count, no
  personal data and no expiry (:mod:`core.visits.attendance`).
* ``ratelimit:registration:{ip|email|email-day}:{hmac}`` – sorted sets of recent attempts
  (see :mod:`core.visits.ratelimit`); ``ratelimit:{mylink|providerlink}:{ip|email}:{hmac}``
  those of the self-service link requests.
"""

from __future__ import annotations

from core.visits.seats import active_registrations_key

PREFIX = "studyvisit"
VISITS = f"{PREFIX}:index:visits"
CONFIRMED = f"{PREFIX}:index:confirmed"
REMINDERS = f"{PREFIX}:index:reminders"
EXPIRIES = f"{PREFIX}:index:expiries"
REGISTRATION_VISITS = f"{PREFIX}:index:registration-visits"
OUTBOX = f"{PREFIX}:index:outbox"
CLOSING_DUE = f"{PREFIX}:index:closing"
CLOSING_STEPS = ("remind", "eve", "expire")  # core.visits.closing.Step


def closing_member(step: str, registration_id: str) -> str:
    return f"{step}:{registration_id}"
OFFERS = f"{PREFIX}:index:offers"
WAITLISTS = f"{PREFIX}:index:waitlists"


def registration(registration_id: str) -> str:
    return f"{PREFIX}:registration:{registration_id}"


def active(visit_id: str) -> str:
    return active_registrations_key(visit_id)


def emails(visit_id: str) -> str:
    return f"{PREFIX}:{visit_id}:emails"


def rate_limit(kind: str, digest: str) -> str:
    return f"ratelimit:registration:{kind}:{digest}"


def outbox_member(job: str, registration_id: str) -> str:
    return f"{job}:{registration_id}"


def waitlist(visit_id: str) -> str:
    return f"{PREFIX}:{visit_id}:waitlist"


def waitlist_sequence(visit_id: str) -> str:
    return f"{PREFIX}:{visit_id}:waitlist:seq"
