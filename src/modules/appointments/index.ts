export {
  AppointmentService,
  generateSlotsJob,
  isoWeekday,
  purposeOf,
  slotsFromTemplates,
  DEFAULT_SLOT_DAYS,
  type AppointmentDeps,
  type BookingSubject,
  type BookResult,
  type NearSite,
  type RescheduleResult,
} from './service.js';
export { seedAppointmentSites, DEMO_SITES } from './seed.js';
export { registerAppointmentStaffRoutes, type AppointmentRoutesDeps } from './routes.staff.js';
export { siteName, slotTimeText, slotTimeOfDay, siteAddressLines } from './views.js';
export type { BookingView } from './repository.js';
export {
  SITE_KINDS,
  SITE_SERVICES,
  BOOKING_PURPOSES,
  type SiteKind,
  type SiteService,
  type BookingPurpose,
  type BookingStatus,
  type SiteRow,
  type SlotRow,
  type BookingRow,
  type ClosureRow,
  type SlotTemplateRow,
} from './tables.js';
