// Every UI string in Swedish and English, and locale-aware formatting.
// Facet labels, course texts and registration errors come from the API in the chosen language.

const STRINGS = {
  sv: {
    "page.title": "Sök arbetsmarknadsutbildningar",
    "page.lead": "Hitta en utbildning och anmäl dig till ett studiebesök.",
    "skip": "Hoppa till resultaten",
    "language.switch": "In English",
    "nav.courses": "Utbildningar",
    "nav.visits": "Studiebesök",
    "nav.mine": "Mina studiebesök",
    "search.label": "Sök utbildning, yrke eller ort",
    "search.button": "Sök",
    "search.hint": "Till exempel svetsare, undersköterska eller lastbil.",
    "suggest.occupation": "Yrke",
    "suggest.courses": "{count} utbildningar",
    "suggest.title": "Utbildning",
    "near.legend": "Nära en kommun",
    "near.municipality": "Kommun",
    "near.anywhere": "Hela landet",
    "near.radius": "Avstånd",
    "near.km": "{km} km",
    "sort.label": "Sortering",
    "sort.RELEVANCE": "Bästa träff",
    "sort.START_DATE_ASC": "Startdatum, tidigast först",
    "sort.START_DATE_DESC": "Startdatum, senast först",
    "sort.DURATION_ASC": "Längd, kortast först",
    "sort.DURATION_DESC": "Längd, längst först",
    "sort.DISTANCE": "Avstånd, närmast först",
    "filters.heading": "Filtrera",
    "filters.clear": "Rensa alla filter",
    "filters.showAll": "Visa alla ({count})",
    "filters.showFewer": "Visa färre",
    "facet.REGION": "Län",
    "facet.OCCUPATION_FIELD": "Yrkesområde",
    "facet.OCCUPATION": "Yrke",
    "facet.PROGRAMME_TYPE": "Insats",
    "facet.PACE": "Studietakt",
    "facet.SCHEDULE": "Undervisningstid",
    "facet.DELIVERY": "Studieform",
    "facet.LANGUAGE": "Undervisningsspråk",
    "facet.MUNICIPALITY": "Kommun",
    "facet.PROVIDER": "Utbildningsanordnare",
    "facet.HAS_UPCOMING_STUDY_VISITS": "Studiebesök",
    "facet.count": "{count} utbildningar",
    "occupation.remove": "Ta bort yrket {name}",
    "results.heading": "Resultat",
    "results.count": "{count} utbildningar",
    "results.countOne": "1 utbildning",
    "results.none": "Inga utbildningar matchar din sökning. Prova att ta bort något filter.",
    "place.MUNICIPALITY": "Kommun",
    "place.REGION": "Län",
    "place.remove": "Sök inte i {name}: sök ”{text}” som text",
    "relaxed.OCCUPATIONS": "Inga utbildningar matchade ”{query}”. Visar utbildningar inom yrken som liknar det du sökte.",
    "relaxed.WIDER_PLACE": "Inga utbildningar matchade ”{query}” på orten. Visar hela länet.",
    "didYouMean": "Menade du:",
    "results.noneUnfiltered": "Inga utbildningar matchar din sökning. Prova ett annat ord.",
    "results.loading": "Söker…",
    "results.more": "Visa fler",
    "results.shown": "Visar {shown} av {total}",
    "results.error": "Sökningen misslyckades. Försök igen om en stund.",
    "card.distance": "{km} km bort",
    "card.visits": "Kommande studiebesök",
    "card.noVisits": "Inga studiebesök planerade",
    "card.moreVisits": "och {count} till",
    "visit.seats": "{count} platser kvar",
    "visit.seatsOne": "1 plats kvar",
    "visit.full": "Fullbokat",
    "intake.continuous": "Löpande antagning",
    "intake.weeks": "{weeks} veckor",
    "pace.FULL_TIME": "Heltid",
    "pace.PART_TIME": "Deltid {percent} %",
    "schedule.DAYTIME": "Dagtid",
    "schedule.EVENING": "Kvällstid",
    "schedule.WEEKEND": "Helger",
    "delivery.ON_SITE": "På plats",
    "delivery.DISTANCE": "Distans",
    "delivery.BLENDED": "Delvis distans",
    "programme.LABOUR_MARKET_TRAINING": "Arbetsmarknadsutbildning",
    "programme.WORK_TRAINING": "Arbetsträning",
    "programme.REINFORCED_WORK_TRAINING": "Förstärkt arbetsträning",
    "programme.VALIDATION": "Validering",
    "course.back": "Tillbaka till sökresultaten",
    "course.loading": "Hämtar utbildningen…",
    "course.notFound": "Utbildningen finns inte längre.",
    "course.error": "Utbildningen kunde inte hämtas. Försök igen om en stund.",
    "course.facts": "Fakta",
    "course.provider": "Utbildningsanordnare",
    "course.occupation": "Leder till yrket",
    "course.place": "Plats",
    "course.distanceNote": "Distansutbildning; adressen är anordnarens.",
    "course.dates": "Datum",
    "course.length": "Längd",
    "course.pace": "Studietakt",
    "course.schedule": "Undervisningstid",
    "course.delivery": "Studieform",
    "course.languages": "Undervisningsspråk",
    "course.eligibility": "Vem kan gå",
    "course.minimumAge": "Från {age} år.",
    "course.certificate": "Intyg",
    "course.fee": "Avgift",
    "course.free": "Kostnadsfri",
    "course.places": "Antal platser",
    "course.contact": "Kontaktperson",
    "course.website": "Utbildningens webbsida hos anordnaren",
    "course.description": "Om utbildningen",
    "course.visits": "Studiebesök",
    "course.noVisits": "Det finns inga kommande studiebesök för den här utbildningen.",
    "form.heading": "Anmäl dig till ett studiebesök",
    "form.intro": "Dina uppgifter skickas till utbildningens kontaktperson, som svarar dig via e-post.",
    "form.visit": "Välj studiebesök",
    "form.name": "Namn",
    "form.email": "E-postadress",
    "form.phone": "Telefonnummer (frivilligt)",
    "form.required": "obligatoriskt",
    "form.consent": "Jag godkänner att mitt namn, min e-postadress och mitt telefonnummer skickas till utbildningsanordnaren.",
    "form.submit": "Skicka anmälan",
    "form.sending": "Skickar anmälan…",
    "form.hasErrors": "Anmälan skickades inte. Rätta felen nedan.",
    "form.failed": "Anmälan kunde inte skickas. Försök igen om en stund.",
    "form.success": "Tack! Din anmälan är skickad",
    "form.successText": "Anordnaren har fått din anmälan till studiebesöket {when}. Du får en bekräftelse via e-post och besked när anordnaren har svarat.",
    "form.seatsLeft": "Platser kvar efter din anmälan: {count}.",
    "form.another": "Anmäl dig till ett annat studiebesök",
    "visit.duration": "{minutes} minuter",
  },
  en: {
    "page.title": "Search labour market training",
    "page.lead": "Find a course and sign up for a study visit.",
    "skip": "Skip to results",
    "language.switch": "På svenska",
    "nav.courses": "Courses",
    "nav.visits": "Study visits",
    "nav.mine": "My study visits",
    "search.label": "Search by course, occupation or place",
    "search.button": "Search",
    "search.hint": "For example welder, assistant nurse or truck.",
    "suggest.occupation": "Occupation",
    "suggest.courses": "{count} courses",
    "suggest.title": "Course",
    "near.legend": "Near a municipality",
    "near.municipality": "Municipality",
    "near.anywhere": "All of Sweden",
    "near.radius": "Distance",
    "near.km": "{km} km",
    "sort.label": "Sort by",
    "sort.RELEVANCE": "Best match",
    "sort.START_DATE_ASC": "Start date, earliest first",
    "sort.START_DATE_DESC": "Start date, latest first",
    "sort.DURATION_ASC": "Length, shortest first",
    "sort.DURATION_DESC": "Length, longest first",
    "sort.DISTANCE": "Distance, nearest first",
    "filters.heading": "Filter",
    "filters.clear": "Clear all filters",
    "filters.showAll": "Show all ({count})",
    "filters.showFewer": "Show fewer",
    "facet.REGION": "Region",
    "facet.OCCUPATION_FIELD": "Occupation field",
    "facet.OCCUPATION": "Occupation",
    "facet.PROGRAMME_TYPE": "Programme",
    "facet.PACE": "Pace",
    "facet.SCHEDULE": "Teaching hours",
    "facet.DELIVERY": "Delivery",
    "facet.LANGUAGE": "Language of instruction",
    "facet.MUNICIPALITY": "Municipality",
    "facet.PROVIDER": "Provider",
    "facet.HAS_UPCOMING_STUDY_VISITS": "Study visits",
    "facet.count": "{count} courses",
    "occupation.remove": "Remove the occupation {name}",
    "results.heading": "Results",
    "results.count": "{count} courses",
    "results.countOne": "1 course",
    "results.none": "No courses match your search. Try removing a filter.",
    "place.MUNICIPALITY": "Municipality",
    "place.REGION": "County",
    "place.remove": "Do not search in {name}: search “{text}” as text",
    "relaxed.OCCUPATIONS": "No courses matched “{query}”. Showing courses in occupations like what you searched for.",
    "relaxed.WIDER_PLACE": "No courses matched “{query}” in that town. Showing the whole county.",
    "didYouMean": "Did you mean:",
    "results.noneUnfiltered": "No courses match your search. Try another word.",
    "card.swedishOnly": "Only in Swedish: the provider gave no English text.",
    "results.loading": "Searching…",
    "results.more": "Show more",
    "results.shown": "Showing {shown} of {total}",
    "results.error": "The search failed. Please try again in a moment.",
    "card.distance": "{km} km away",
    "card.visits": "Upcoming study visits",
    "card.noVisits": "No study visits planned",
    "card.moreVisits": "and {count} more",
    "visit.seats": "{count} seats left",
    "visit.seatsOne": "1 seat left",
    "visit.full": "Fully booked",
    "intake.continuous": "Continuous intake",
    "intake.weeks": "{weeks} weeks",
    "pace.FULL_TIME": "Full time",
    "pace.PART_TIME": "Part time {percent}%",
    "schedule.DAYTIME": "Daytime",
    "schedule.EVENING": "Evenings",
    "schedule.WEEKEND": "Weekends",
    "delivery.ON_SITE": "On site",
    "delivery.DISTANCE": "Distance",
    "delivery.BLENDED": "Blended",
    "programme.LABOUR_MARKET_TRAINING": "Labour market training",
    "programme.WORK_TRAINING": "Work training",
    "programme.REINFORCED_WORK_TRAINING": "Reinforced work training",
    "programme.VALIDATION": "Validation",
    "course.back": "Back to the search results",
    "course.loading": "Loading the course…",
    "course.notFound": "The course no longer exists.",
    "course.error": "The course could not be loaded. Please try again in a moment.",
    "course.facts": "Facts",
    "course.provider": "Training provider",
    "course.occupation": "Leads to the occupation",
    "course.place": "Place",
    "course.distanceNote": "Distance course; the address is the provider's.",
    "course.dates": "Dates",
    "course.length": "Length",
    "course.pace": "Pace",
    "course.schedule": "Teaching hours",
    "course.delivery": "Delivery",
    "course.languages": "Language of instruction",
    "course.eligibility": "Who can take part",
    "course.minimumAge": "From the age of {age}.",
    "course.certificate": "Certificate",
    "course.fee": "Fee",
    "course.free": "Free of charge",
    "course.places": "Places",
    "course.contact": "Contact person",
    "course.website": "The course's page at the provider",
    "course.description": "About the course",
    "course.visits": "Study visits",
    "course.noVisits": "There are no upcoming study visits for this course.",
    "form.heading": "Sign up for a study visit",
    "form.intro": "Your details are sent to the course's contact person, who answers you by email.",
    "form.visit": "Choose a study visit",
    "form.name": "Name",
    "form.email": "Email address",
    "form.phone": "Phone number (optional)",
    "form.required": "required",
    "form.consent": "I agree to my name, email address and phone number being sent to the training provider.",
    "form.submit": "Send registration",
    "form.sending": "Sending your registration…",
    "form.hasErrors": "The registration was not sent. Please correct the errors below.",
    "form.failed": "The registration could not be sent. Please try again in a moment.",
    "form.success": "Thank you! Your registration has been sent",
    "form.successText": "The provider has received your registration for the study visit on {when}. You will get a confirmation by email, and an answer when the provider has replied.",
    "form.seatsLeft": "Seats left after your registration: {count}.",
    "form.another": "Sign up for another study visit",
    "visit.duration": "{minutes} minutes",
  },
};

const LOCALES = { sv: "sv-SE", en: "en-GB" };
const TIME_ZONE = "Europe/Stockholm";
const STORAGE_KEY = "search-page-language";

let current = initialLanguage();

function initialLanguage() {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored in STRINGS) return stored;
  } catch {
    // Storage may be disabled; Swedish is the default.
  }
  return "sv";
}

/** The UI language: "sv" or "en". */
export function language() {
  return current;
}

/** The language as the API's Language enum: "SV" or "EN". */
export function apiLanguage() {
  return current.toUpperCase();
}

export function setLanguage(value) {
  current = value in STRINGS ? value : "sv";
  document.documentElement.lang = current;
  try {
    localStorage.setItem(STORAGE_KEY, current);
  } catch {
    // Not remembered across visits; that is fine.
  }
}

/** The string for key, with {name} placeholders filled from vars. */
export function t(key, vars = {}) {
  const template = STRINGS[current][key] ?? STRINGS.sv[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** Plural-aware count strings: key for many, keyOne for exactly one. */
export function tCount(key, count) {
  const one = `${key}One`;
  if (count === 1 && one in STRINGS[current]) return t(one);
  return t(key, { count: formatNumber(count) });
}

export function formatNumber(value) {
  return new Intl.NumberFormat(LOCALES[current], { maximumFractionDigits: 1 }).format(value);
}

/** A date (YYYY-MM-DD) as e.g. "14 dec. 2026". */
export function formatDate(isoDate) {
  const [year, month, day] = isoDate.split("-").map(Number);
  return new Intl.DateTimeFormat(LOCALES[current], {
    day: "numeric", month: "short", year: "numeric", timeZone: "UTC",
  }).format(new Date(Date.UTC(year, month - 1, day)));
}

/** A date-time with offset as e.g. "tis 3 dec. 09:00", in Swedish time. */
export function formatDateTime(isoDateTime) {
  return new Intl.DateTimeFormat(LOCALES[current], {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    timeZone: TIME_ZONE,
  }).format(new Date(isoDateTime));
}
