/** Change of address (issue 17 point 4; COA-1 to COA-3): the account's page, the agency's feed, the agency's answers. */
export { AddressChangeService, applyAgencyAnswers } from './service.js';
export { registerAddressChangeRoutes } from './routes.js';
// The agent console's address history of a case (through this index only).
export { changesOfCase as addressChangesOfCase } from './repository.js';
