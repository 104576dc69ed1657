"""The guard against a load that would remove whole providers from the live index.

A feed set that lacks some providers' feeds is far more often a mistake (a folder copied
in part, a generated sample, a provider's file that failed to parse) than a decision to
end those providers: and removing a provider removes its study visits, and the worker then
cancels their registrations and e-mails every jobseeker. So a load that would leave a
provider who has courses in the live index with none is refused, unless the operator says
``--remove-missing-providers``. That happens when:

* ``--rebuild`` is given a set without a (valid) feed of a live provider: the rebuilt
  index holds exactly the set's providers;
* any load is given a provider's feed that lists no course (or none that can be kept).

A plain load of a subset of providers never touches the providers it has no feed for,
so it is not refused.
"""

from __future__ import annotations

from indexer.plan import LoadPlan

FLAG = "--remove-missing-providers"


def refusal(plan: LoadPlan, remove_missing_providers: bool) -> str | None:
    """Why the load must not run, naming the providers; None when it may."""
    if not plan.vanishing or remove_missing_providers:
        return None
    names = "\n".join(f"  {provider}" for provider in plan.vanishing)
    courses = sum(provider.courses for provider in plan.vanishing)
    return (
        f"refused: this load would remove every course of {len(plan.vanishing)} "
        f"provider(s) in the live index ({courses} courses), because the feed set has "
        f"no feed for them, their feed was rejected whole, or it lists no course:\n"
        f"{names}\nNothing was changed. Add their feeds, or give {FLAG} if they really "
        f"are to be removed."
    )
