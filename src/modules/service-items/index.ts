export {
  ServiceItemService,
  ServiceItemActionError,
  mayWorkProtected,
  slaCheckJob,
  RESOLUTION_CODES,
  expectationText,
  urgencyText,
  promiseOfItem,
  clockOf,
  timeLeftText,
  durationText,
  eventVoice,
  type StaffWorker,
  type ResolutionCode,
} from './service.js';
export type {
  ServiceItemRow,
  ServiceItemEventRow,
  QueueKind,
  ServiceItemChannel,
  ServiceItemStatus,
  SlaPolicyName,
} from './tables.js';
export {
  BusinessCalendar,
  expectation,
  promisedDays,
  nextLocalWindow,
  localTimeOf,
  type SlaExpectation,
} from './sla.js';
export {
  protectItemsOfCase,
  messagesOfCase,
  openItemsOwnedBy,
  queueLoad,
  recentHandlingMinutes,
  heldItems,
  listOpenItems,
  searchItems,
  secureMessageThreadsOf,
  markThreadRead,
  takeItem,
  waitingByQueue,
} from './repository.js';
export type { RoutedItemInput } from './service.js';
export { seedContactCenterDemo } from './demo.js';
