"""The words of the link pages, in Swedish and English."""

from __future__ import annotations

from core.visits.models import Language, RegistrationStatus
from core.visits.tokens import TokenAction

TEXT: dict[Language, dict[str, str]] = {
    Language.SV: {
        "course": "Utbildning", "provider": "Anordnare", "when": "Tid", "where": "Plats",
        "name": "Namn", "email": "E-post", "phone": "Telefon", "language": "Språk",
        "status": "Status", "lang_sv": "svenska", "lang_en": "engelska",
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
        "status": "Status", "lang_sv": "Swedish", "lang_en": "English",
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
}


def status_text(status: RegistrationStatus, lang: Language) -> str:
    return TEXT[lang][status.value]


def action_title(action: TokenAction, lang: Language) -> str:
    return TEXT[lang][f"title_{action.value}"]
