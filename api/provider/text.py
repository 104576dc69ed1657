"""The words of the provider's page, in Swedish, Danish, Norwegian (Bokmål) and English
(the link pages' words too)."""

from __future__ import annotations

from api.visits.pages_text import TEXT as LINK_TEXT
from core.visits.models import Language

_OWN: dict[Language, dict[str, str]] = {
    Language.SV: {
        "title": "Era studiebesök", "capacity": "Platser", "taken": "Bokade",
        "reference": "Referens", "registered": "Anmäld", "select": "Välj",
        "confirm_selected": "Bekräfta valda", "decline_selected": "Tacka nej till valda",
        "csv": "Ladda ner listan (CSV)", "no_visits": "Ni har inga kommande studiebesök.",
        "no_registrations": "Inga anmälningar än.",
        "decided": "Klart: {done} ändrade, {skipped} oförändrade.",
        "forbidden_title": "Formuläret har gått ut",
        "forbidden": "Öppna sidan på nytt från länken och försök igen.",
        "back": "Tillbaka till listan",
        "undo_selected": "Ångra bekräftelsen av valda",
        "attendance": "Närvaro",
        "waitlist": "Väntelista", "waitlist_note": "Blir en plats ledig erbjuds den nästa "
        "i kön, som har en viss tid på sig att ta den.",
        "attended_count": "Kom på besöket", "attended": "Kom", "absent": "Kom inte",
        "mark_attended": "Markera valda: kom", "mark_absent": "Markera valda: kom inte",
    },
    Language.EN: {
        "title": "Your study visits", "capacity": "Seats", "taken": "Booked",
        "reference": "Reference", "registered": "Registered", "select": "Select",
        "confirm_selected": "Confirm selected", "decline_selected": "Decline selected",
        "csv": "Download the list (CSV)", "no_visits": "You have no upcoming study visits.",
        "no_registrations": "No registrations yet.",
        "decided": "Done: {done} changed, {skipped} unchanged.",
        "forbidden_title": "The form has expired",
        "forbidden": "Open the page again from the link and try again.",
        "back": "Back to the list",
        "undo_selected": "Withdraw the confirmation of selected",
        "attendance": "Attendance",
        "waitlist": "Waitlist", "waitlist_note": "A freed seat is offered to the next in "
        "line, who has a set time to take it.",
        "attended_count": "Attended", "attended": "Attended", "absent": "Did not attend",
        "mark_attended": "Mark selected: attended", "mark_absent": "Mark selected: did not attend",
    },
    Language.DA: {
        "title": "Jeres studiebesøg", "capacity": "Pladser", "taken": "Booket",
        "reference": "Reference", "registered": "Tilmeldt", "select": "Vælg",
        "confirm_selected": "Bekræft valgte", "decline_selected": "Afvis valgte",
        "csv": "Hent listen (CSV)", "no_visits": "I har ingen kommende studiebesøg.",
        "no_registrations": "Ingen tilmeldinger endnu.",
        "decided": "Færdig: {done} ændret, {skipped} uændret.",
        "forbidden_title": "Formularen er udløbet",
        "forbidden": "Åbn siden igen fra linket, og prøv igen.",
        "back": "Tilbage til listen",
        "undo_selected": "Træk bekræftelsen af valgte tilbage",
        "attendance": "Fremmøde",
        "waitlist": "Venteliste", "waitlist_note": "Bliver en plads ledig, tilbydes den til "
        "den næste i køen, som har en bestemt frist til at tage den.",
        "attended_count": "Mødte op", "attended": "Mødte op", "absent": "Mødte ikke op",
        "mark_attended": "Markér valgte: mødte op", "mark_absent": "Markér valgte: mødte ikke op",
    },
    Language.NB: {
        "title": "Studiebesøkene deres", "capacity": "Plasser", "taken": "Booket",
        "reference": "Referanse", "registered": "Påmeldt", "select": "Velg",
        "confirm_selected": "Bekreft valgte", "decline_selected": "Avslå valgte",
        "csv": "Last ned listen (CSV)", "no_visits": "Dere har ingen kommende studiebesøk.",
        "no_registrations": "Ingen påmeldinger ennå.",
        "decided": "Ferdig: {done} endret, {skipped} uendret.",
        "forbidden_title": "Skjemaet har utløpt",
        "forbidden": "Åpne siden på nytt fra lenken og prøv igjen.",
        "back": "Tilbake til listen",
        "undo_selected": "Trekk tilbake bekreftelsen av valgte",
        "attendance": "Oppmøte",
        "waitlist": "Venteliste", "waitlist_note": "Blir en plass ledig, tilbys den til "
        "nestemann i køen, som har en viss frist på seg til å ta den.",
        "attended_count": "Møtte opp", "attended": "Møtte opp", "absent": "Møtte ikke",
        "mark_attended": "Merk valgte: møtte opp", "mark_absent": "Merk valgte: møtte ikke",
    },
}
TEXT: dict[Language, dict[str, str]] = {
    lang: {**LINK_TEXT[lang], **_OWN[lang]} for lang in Language}
