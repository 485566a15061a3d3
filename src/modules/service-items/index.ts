export { ServiceItemService, ServiceItemActionError, maySeeItem, mayWorkProtected, slaCheckJob, RESOLUTION_CODES, expectationText, urgencyText, type NewServiceItem, type TimelineEntry, type RoutedItemInput, type StaffWorker, type ResolutionCode } from './service.js';
export type { ServiceItemRow, ServiceItemEventRow, QueueKind, ServiceItemChannel, ServiceItemStatus, SlaPolicyName } from './tables.js';
export { routeItem, queueKindsOf, type RoutingRule, type RoutingInput, type Route } from './routing.js';
export { BusinessCalendar, SLA_POLICIES, expectation, type SlaExpectation } from './sla.js';
export { protectItemsOfCase, lockItemOrThrow, openItemsOwnedBy, searchItems, secureMessageThreadsOf, takeItem, waitingByQueue } from './repository.js';
