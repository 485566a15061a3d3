/**
 * Paths of this service's own pages that texts from elsewhere point people to (issue 15 point 3): the official status
 * texts name the agency's web addresses for e-Request and the change of address; where this service has the page,
 * people are sent here instead. One place, so the page's module and every link agree.
 */
export const OWN_PAGE_PATHS = {
  /** The e-Request forms (module `e-request`). */
  eRequest: '/e-request',
  /** The change of address of an account holder (issue 17). */
  addressChange: '/account/address',
} as const;
