// Every GraphQL operation of the reference search page. Each is a plain string a frontend
// team can copy; the page sends them to POST /graphql with variables (see api.js).

/** Search with facets (disjunctive counts), place, sort and cursor paging ("load more"
 * sends `after` and `withFacets: false`). Highlights come as fragments: render `text`
 * as text, and wrap the `matched` ones in <mark>. A place named in the text comes back as
 * `interpretedPlace` (show it as a chip; removing it sends `interpretPlace: false`); a
 * search that found nothing as typed comes back relaxed (`relaxation`) or with
 * `didYouMean` suggestions. */
export const SEARCH_COURSES = `
query SearchCourses(
  $query: String!
  $filter: CourseFilterInput
  $near: NearInput
  $sort: CourseSort!
  $first: Int!
  $after: String
  $facets: [FacetAttribute!]
  $withFacets: Boolean!
  $language: Language!
  $interpretPlace: Boolean = true
) {
  searchCourses(
    query: $query
    filter: $filter
    near: $near
    sort: $sort
    first: $first
    after: $after
    facets: $facets
    language: $language
    interpretPlace: $interpretPlace
  ) {
    totalCount
    pageInfo { hasNextPage endCursor }
    interpretedPlace { kind code name nameEn matchedText query }
    relaxation { kind occupationCodes regionCode }
    didYouMean
    facets @include(if: $withFacets) {
      attribute
      values { value label count selected }
    }
    edges {
      distanceKm
      highlights {
        title { fragments { text matched } }
        titleEn { fragments { text matched } }
        description { fragments { text matched } }
        descriptionEn { fragments { text matched } }
      }
      node {
        id
        country
        title
        titleEn
        description
        descriptionEn
        provider { name }
        location {
          municipality { name }
          region { name nameEn }
        }
        intake { type startDate endDate durationWeeks }
        pace { type percent }
        schedule
        delivery
        studyVisits { id start seatsLeft registrationClosesAt }
      }
    }
  }
}`;

/** Facet-value search for the long lists (municipalities, providers): the values whose label
 * has words starting with the typed text, counted within the current search. */
export const FACET_VALUES = `
query FacetValues($attribute: FacetAttribute!, $text: String!, $query: String!,
                  $filter: CourseFilterInput, $near: NearInput, $language: Language!) {
  facetValues(attribute: $attribute, text: $text, query: $query, filter: $filter, near: $near,
              first: 10, language: $language) {
    value label count selected
  }
}`;

/** Autocomplete for the search box: occupations (filter on `occupationCode`) and course titles. */
export const SUGGESTIONS = `
query Suggestions($prefix: String!, $language: Language!) {
  suggestions(prefix: $prefix, first: 8, language: $language) {
    text kind occupationCode count
  }
}`;

/** The regions of each country with their municipalities, for the "near a municipality"
 * picker (Danish and Norwegian codes carry their country: DK-0101). */
export const PLACES = `
query Places {
  se: regions(country: SE) { code name nameEn municipalities { code name } }
  dk: regions(country: DK) { code name nameEn municipalities { code name } }
  no: regions(country: NO) { code name nameEn municipalities { code name } }
}`;

/** One course with everything the course page shows, and its study visits with seats left. */
export const COURSE = `
query Course($id: ID!) {
  course(id: $id) {
    id
    country
    title
    titleEn
    description
    descriptionEn
    occupation { code name nameEn }
    programmeType
    provider { name organisationNumber }
    location {
      municipality { name }
      region { name nameEn }
      address { street postalCode city }
    }
    intake { type startDate endDate durationWeeks }
    pace { type percent }
    schedule
    delivery
    isDistance
    languages
    eligibility { minimumAge requirements requirementsEn }
    certificate
    participationFee { amount currency note }
    feeLow: feeForEducationLevel(educationLevel: UP_TO_VOCATIONAL) { amount currency }
    feeHigher: feeForEducationLevel(educationLevel: HIGHER) { amount currency }
    freeOfCharge
    places
    contact { name email phone }
    url
    studyVisits {
      id
      start
      durationMinutes
      capacity
      seatsLeft
      registrationClosesAt
      address { street postalCode city }
    }
  }
}`;

/** Register for a study visit. Expected failures come back in `errors`, each naming the
 * input `field` at fault (visitId, name, email, phone, consent) or none. */
export const REGISTER_FOR_STUDY_VISIT = `
mutation RegisterForStudyVisit($input: RegisterForStudyVisitInput!) {
  registerForStudyVisit(input: $input) {
    registration {
      id
      status
      waitlistPosition
      visit { id start seatsLeft registrationClosesAt }
    }
    errors { field message code }
  }
}`;

/** The visit finder ("Studiebesök"): upcoming visits with their courses, seats left read
 * now, the distance when searching near a place, and disjunctive facet counts for the
 * filters ("load more" sends `after` and `withFacets: false`). */
export const SEARCH_STUDY_VISITS = `
query SearchStudyVisits($query: String!, $filter: StudyVisitSearchFilterInput, $near: NearInput,
                        $sort: StudyVisitSort!, $first: Int!, $after: String,
                        $facets: [StudyVisitFacetAttribute!], $withFacets: Boolean!,
                        $language: Language!) {
  searchStudyVisits(query: $query, filter: $filter, near: $near, sort: $sort, first: $first,
                    after: $after, facets: $facets, language: $language) {
    totalCount
    pageInfo { hasNextPage endCursor }
    facets @include(if: $withFacets) { attribute values { value label count selected } }
    edges {
      distanceKm
      node { id start durationMinutes capacity seatsLeft waitlistLength registrationClosesAt
             address { street postalCode city } }
      course { id country title titleEn provider { name } location { municipality { name } } }
    }
  }
}`;

export const REQUEST_MY_REGISTRATIONS_LINK = `
  mutation RequestMyRegistrationsLink($email: String!, $language: Language!) {
    requestMyRegistrationsLink(email: $email, language: $language) {
      errors { field message code }
    }
  }`;

/** The provider's view: its visits with who is coming, by the emailed link's token (the
 * first 100 keep the operation well inside the cost budget; visitCount tells of more). */
export const PROVIDER_STUDY_VISITS = `
  query ProviderStudyVisits($token: String!) {
    providerStudyVisits(token: $token) {
      result
      visitCount
      visits(first: 100) {
        courseTitle country seatsTaken attendedCount waitlistLength
        visit { id start end capacity address { street postalCode city } }
        registrations { id reference name email phone language status createdAt attendance }
      }
    }
  }`;

export const DECIDE_PROVIDER_REGISTRATIONS = `
  mutation DecideProviderRegistrations($token: String!, $ids: [ID!]!,
                                       $decision: ProviderDecision!, $reason: DeclineReason) {
    decideProviderRegistrations(token: $token, registrationIds: $ids, decision: $decision,
                                declineReason: $reason) {
      result outcomes { registrationId result status }
    }
  }`;

export const UNDO_PROVIDER_CONFIRMATIONS = `
  mutation UndoProviderConfirmations($token: String!, $ids: [ID!]!) {
    undoProviderConfirmations(token: $token, registrationIds: $ids) {
      result outcomes { registrationId result status }
    }
  }`;

export const MARK_PROVIDER_ATTENDANCE = `
  mutation MarkProviderAttendance($token: String!, $ids: [ID!]!, $attended: Boolean!) {
    markProviderAttendance(token: $token, registrationIds: $ids, attended: $attended) {
      result outcomes { registrationId result status }
    }
  }`;

/** The jobseeker's own registrations, by the "my study visits" link's token. */
export const MY_REGISTRATIONS = `
  query MyRegistrations($token: String!) {
    myRegistrations(token: $token) {
      result
      registrations {
        id status courseTitle providerName country waitlistPosition icsUrl
        visit { id start end address { street postalCode city } }
      }
    }
  }`;

export const CANCEL_MY_REGISTRATION = `
  mutation CancelMyRegistration($token: String!, $id: ID!) {
    cancelMyRegistration(token: $token, registrationId: $id) { result status }
  }`;

export const ERASE_MY_REGISTRATION = `
  mutation EraseMyRegistration($token: String!, $id: ID!) {
    eraseMyRegistration(token: $token, registrationId: $id) { result status }
  }`;
