export { ServiceItemService, type NewServiceItem, type TimelineEntry } from './service.js';
export type { ServiceItemRow, ServiceItemEventRow } from './repository.js';
