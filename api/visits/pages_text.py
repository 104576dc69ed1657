"""The words of the link pages, in Swedish, English, Danish and Norwegian (Bokmål)."""

from __future__ import annotations

from core.visits.language_names import language_name
from core.visits.models import Language, RegistrationStatus
from core.visits.tokens import TokenAction

_WORDS: dict[Language, dict[str, str]] = {
    Language.SV: {
        "course": "Utbildning", "provider": "Anordnare", "when": "Tid", "where": "Plats",
        "name": "Namn", "email": "E-post", "phone": "Telefon", "language": "Språk",
        "status": "Status",
        "confirm": "Bekräfta besöket", "decline": "Tacka nej",
        "cancel": "Avboka", "erase": "Ta bort mina uppgifter",
        "decide_help": "Välj om den arbetssökande är välkommen. Personen får ett mejl med "
                       "ert svar.",
        "cancel_help": "Vill du avboka? Platsen blir ledig för någon annan.",
        "erase_help": "Din anmälan och alla dina uppgifter tas bort direkt. Har du en "
                      "platsbokning släpps den.",
        "nothing_to_do": "Det finns inget mer att göra här.",
        "invalid_title": "Ogiltig länk",
        "invalid": "Länken är ogiltig. Kontrollera att du har kopierat hela länken.",
        "expired_title": "Länken har gått ut",
        "expired": "Länken gäller inte längre.",
        "not_found_title": "Anmälan finns inte",
        "not_found": "Anmälan finns inte längre. Den kan ha tagits bort.",
        "not_allowed_title": "Inget ändrades",
        "not_allowed": "Anmälan kan inte ändras på det sättet längre.",
        "already": "Inget ändrades: anmälan är redan",
        "done_confirm": "Tack! Besöket är bekräftat och personen får ett mejl.",
        "done_decline": "Tack! Ni har tackat nej och personen får ett mejl.",
        "done_cancel": "Ditt studiebesök är avbokat.",
        "done_erase": "Dina uppgifter är borttagna.",
        "title_confirm": "Anmälan till studiebesök", "title_decline": "Anmälan till studiebesök",
        "title_cancel": "Avboka studiebesök", "title_erase": "Ta bort mina uppgifter",
        "PENDING": "väntar på svar", "CONFIRMED": "bekräftad", "DECLINED": "nekad",
        "CANCELLED": "avbokad", "EXPIRED": "upphörd (inget svar före besöket)",
        "WAITLISTED": "på väntelistan",
        "OFFERED": "erbjuden en plats", "waitlist_position": "Plats i kön",
        "claim": "Ta platsen", "title_claim": "En ledig plats på studiebesök",
        "claim_help": "En plats hålls åt dig. Tar du den skickas din anmälan till "
                      "anordnaren, som bekräftar eller tackar nej.",
        "leave_help": "Vill du lämna väntelistan? Din plats i kön går till nästa.",
        "done_claim": "Platsen är din! Din anmälan har skickats till anordnaren.",
        "unavailable_title": "Tjänsten är inte tillgänglig just nu",
        "unavailable": "Inget ändrades. Försök igen om en liten stund.",
    },
    Language.EN: {
        "course": "Course", "provider": "Provider", "when": "When", "where": "Where",
        "name": "Name", "email": "Email", "phone": "Phone", "language": "Language",
        "status": "Status",
        "confirm": "Confirm the visit", "decline": "Decline",
        "cancel": "Cancel", "erase": "Delete my details",
        "decide_help": "Choose whether the jobseeker is welcome. They get an email with "
                       "your answer.",
        "cancel_help": "Do you want to cancel? The seat goes to someone else.",
        "erase_help": "Your registration and all your details are deleted at once. A seat "
                      "you hold is released.",
        "nothing_to_do": "There is nothing more to do here.",
        "invalid_title": "Invalid link",
        "invalid": "The link is not valid. Check that you copied all of it.",
        "expired_title": "The link has expired",
        "expired": "The link is no longer valid.",
        "not_found_title": "No such registration",
        "not_found": "The registration no longer exists. It may have been deleted.",
        "not_allowed_title": "Nothing changed",
        "not_allowed": "The registration can no longer be changed that way.",
        "already": "Nothing changed: the registration is already",
        "done_confirm": "Thank you! The visit is confirmed and the jobseeker gets an email.",
        "done_decline": "Thank you! You have declined and the jobseeker gets an email.",
        "done_cancel": "Your study visit is cancelled.",
        "done_erase": "Your details have been deleted.",
        "title_confirm": "Registration for a study visit",
        "title_decline": "Registration for a study visit",
        "title_cancel": "Cancel a study visit", "title_erase": "Delete my details",
        "PENDING": "awaiting an answer", "CONFIRMED": "confirmed", "DECLINED": "declined",
        "CANCELLED": "cancelled", "EXPIRED": "expired (no answer before the visit)",
        "WAITLISTED": "on the waitlist",
        "OFFERED": "offered a seat", "waitlist_position": "Place in line",
        "claim": "Take the seat", "title_claim": "A free seat on a study visit",
        "claim_help": "A seat is held for you. If you take it, your registration goes to "
                      "the provider, who will confirm or decline it.",
        "leave_help": "Do you want to leave the waitlist? Your place in line goes to the next.",
        "done_claim": "The seat is yours! Your registration has been sent to the provider.",
        "unavailable_title": "The service is unavailable right now",
        "unavailable": "Nothing changed. Please try again in a little while.",
    },
    Language.DA: {
        "course": "Kursus", "provider": "Udbyder", "when": "Tidspunkt", "where": "Sted",
        "name": "Navn", "email": "E-mail", "phone": "Telefon", "language": "Sprog",
        "status": "Status",
        "confirm": "Bekræft besøget", "decline": "Afvis",
        "cancel": "Aflys", "erase": "Slet mine oplysninger",
        "decide_help": "Vælg, om jobsøgeren er velkommen. Personen får en e-mail med "
                       "jeres svar.",
        "cancel_help": "Vil du aflyse? Så bliver pladsen ledig til en anden.",
        "erase_help": "Din tilmelding og alle dine oplysninger slettes med det samme. Har du "
                      "en plads, bliver den frigivet.",
        "nothing_to_do": "Der er ikke mere at gøre her.",
        "invalid_title": "Ugyldigt link",
        "invalid": "Linket er ugyldigt. Kontrollér, at du har kopieret hele linket.",
        "expired_title": "Linket er udløbet",
        "expired": "Linket gælder ikke længere.",
        "not_found_title": "Tilmeldingen findes ikke",
        "not_found": "Tilmeldingen findes ikke længere. Den kan være blevet slettet.",
        "not_allowed_title": "Intet blev ændret",
        "not_allowed": "Tilmeldingen kan ikke længere ændres på den måde.",
        "already": "Intet blev ændret: tilmeldingen er allerede",
        "done_confirm": "Tak! Besøget er bekræftet, og personen får en e-mail.",
        "done_decline": "Tak! I har afvist tilmeldingen, og personen får en e-mail.",
        "done_cancel": "Dit studiebesøg er aflyst.",
        "done_erase": "Dine oplysninger er slettet.",
        "title_confirm": "Tilmelding til studiebesøg",
        "title_decline": "Tilmelding til studiebesøg",
        "title_cancel": "Aflys studiebesøg", "title_erase": "Slet mine oplysninger",
        "PENDING": "afventer svar", "CONFIRMED": "bekræftet", "DECLINED": "afvist",
        "CANCELLED": "aflyst", "EXPIRED": "udløbet (intet svar før besøget)",
        "WAITLISTED": "på ventelisten",
        "OFFERED": "tilbudt en plads", "waitlist_position": "Plads i køen",
        "claim": "Tag pladsen", "title_claim": "En ledig plads på et studiebesøg",
        "claim_help": "Der holdes en plads til dig. Tager du den, sendes din tilmelding til "
                      "udbyderen, som bekræfter eller afviser den.",
        "leave_help": "Vil du forlade ventelisten? Din plads i køen går videre til den næste.",
        "done_claim": "Pladsen er din! Din tilmelding er sendt til udbyderen.",
        "unavailable_title": "Tjenesten er ikke tilgængelig lige nu",
        "unavailable": "Intet blev ændret. Prøv igen om lidt.",
    },
    Language.NB: {
        "course": "Kurs", "provider": "Arrangør", "when": "Tidspunkt", "where": "Sted",
        "name": "Navn", "email": "E-post", "phone": "Telefon", "language": "Språk",
        "status": "Status",
        "confirm": "Bekreft besøket", "decline": "Avslå",
        "cancel": "Avlys", "erase": "Slett opplysningene mine",
        "decide_help": "Velg om arbeidssøkeren er velkommen. Personen får en e-post med "
                       "svaret deres.",
        "cancel_help": "Vil du avlyse? Da blir plassen ledig for noen andre.",
        "erase_help": "Påmeldingen din og alle opplysningene dine slettes med en gang. Har du "
                      "en plass, blir den frigitt.",
        "nothing_to_do": "Det er ikke mer å gjøre her.",
        "invalid_title": "Ugyldig lenke",
        "invalid": "Lenken er ugyldig. Kontroller at du har kopiert hele lenken.",
        "expired_title": "Lenken har utløpt",
        "expired": "Lenken gjelder ikke lenger.",
        "not_found_title": "Påmeldingen finnes ikke",
        "not_found": "Påmeldingen finnes ikke lenger. Den kan ha blitt slettet.",
        "not_allowed_title": "Ingenting ble endret",
        "not_allowed": "Påmeldingen kan ikke lenger endres på den måten.",
        "already": "Ingenting ble endret: påmeldingen er allerede",
        "done_confirm": "Takk! Besøket er bekreftet, og personen får en e-post.",
        "done_decline": "Takk! Dere har avslått påmeldingen, og personen får en e-post.",
        "done_cancel": "Studiebesøket ditt er avlyst.",
        "done_erase": "Opplysningene dine er slettet.",
        "title_confirm": "Påmelding til studiebesøk",
        "title_decline": "Påmelding til studiebesøk",
        "title_cancel": "Avlys studiebesøk", "title_erase": "Slett opplysningene mine",
        "PENDING": "venter på svar", "CONFIRMED": "bekreftet", "DECLINED": "avslått",
        "CANCELLED": "avlyst", "EXPIRED": "utløpt (ikke besvart før besøket)",
        "WAITLISTED": "på ventelisten",
        "OFFERED": "tilbudt en plass", "waitlist_position": "Plass i køen",
        "claim": "Ta plassen", "title_claim": "En ledig plass på et studiebesøk",
        "claim_help": "En plass holdes av til deg. Tar du den, sendes påmeldingen din til "
                      "arrangøren, som bekrefter eller avslår den.",
        "leave_help": "Vil du gå ut av ventelisten? Plassen din i køen går videre til nestemann.",
        "done_claim": "Plassen er din! Påmeldingen din er sendt til arrangøren.",
        "unavailable_title": "Tjenesten er ikke tilgjengelig akkurat nå",
        "unavailable": "Ingenting ble endret. Prøv igjen om litt.",
    },
}

# The words, and the name of each registration language ("lang_sv", ...).
TEXT: dict[Language, dict[str, str]] = {
    lang: {**words, **{f"lang_{other.value}": language_name(other, lang) for other in Language}}
    for lang, words in _WORDS.items()}


def status_text(status: RegistrationStatus, lang: Language) -> str:
    return TEXT[lang][status.value]


def action_title(action: TokenAction, lang: Language) -> str:
    return TEXT[lang][f"title_{action.value}"]
