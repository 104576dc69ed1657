"""The canonical form of an email address: one key per mailbox for limits and duplicates.

Mail providers deliver many spellings of an address to one mailbox: ``Anna@X.se``,
``anna+1@x.se`` and ``anna+jobb@x.se`` all reach Anna. Keyed by the address as typed,
the per-address rate limit, the daily email cap and the "already registered" check
would each be bypassed by spelling the address anew, and every spelling would send one
more receipt to the same person and one more provider email carrying their address.

The canonical form is used only as the input of a keyed hash
(:func:`core.visits.pseudonyms.email_digest`); emails still go to the address as typed.

* The domain is case-insensitive (RFC 5321 §2.4) and is written in its ASCII (IDNA,
  UTS #46) form, so ``smörgås.se`` and ``xn--smrgs-pra.se`` are one domain.
* The local part is case-folded as well. RFC 5321 lets a host treat it as case-sensitive,
  but no mail provider in use does, while leaving case alone would let anyone multiply
  a limit by spelling the address with other capitals (``anna``, ``Anna``, ``aNna``, ...).
  At worst two people at a host that does tell them apart share one limit.
* A ``+tag`` (sub-addressing, RFC 5233) is removed: everything from the first ``+``
  of the local part. An address whose local part starts with ``+`` keeps an empty local
  part, so every ``+anything@domain`` shares one key.
* Gmail ignores dots in the local part and treats ``googlemail.com`` as ``gmail.com``;
  both are folded too, as the same bypass with dots (``a.nna``, ``an.na``, ...).

Quoted local parts (``"anna smith"@x.se``) are refused by validation, so they never
get here.
"""

from __future__ import annotations

import functools

import idna

_DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


@functools.lru_cache(maxsize=4096)  # IDNA costs more than the rest of a registration's hashes
def canonical_domain(domain: str) -> str:
    """The domain in lower-case ASCII (IDNA with UTS #46 mapping); lower-cased as it is
    when it is not a valid IDNA name (validation decides whether it is acceptable)."""
    try:
        return idna.encode(domain.strip().rstrip("."), uts46=True).decode("ascii")
    except idna.IDNAError:
        return domain.strip().casefold()


def canonical_address(email: str) -> str:
    """The key of the mailbox ``email`` reaches: case-folded, ``+tag`` removed."""
    local, _, domain = email.strip().rpartition("@")
    host = canonical_domain(domain)
    mailbox = local.split("+", 1)[0].casefold()
    if host in _DOTLESS_DOMAINS:
        host = _DOTLESS_DOMAINS[host]
        mailbox = mailbox.replace(".", "")
    return f"{mailbox}@{host}"
