/**
 * The appointments module's entry (issue 17 point 1). What the biometrics and appointment-request features use:
 * `AppointmentService` (nearestSites, firstFreeSlot, freeSlots, book, bookFirstFree, cancel, reschedule, booking,
 * bookingsOf; each booking call takes an optional transaction handle). When a feature needs more (`slotTimeText` and
 * `siteName` of views.ts to write a slot by the site's clock, the row types of tables.ts, `SITE_SERVICES`), it adds
 * the export here with its first use (test/code-shape.test.ts keeps this file to what other modules import).
 */
export { AppointmentService, generateSlotsJob } from './service.js';
export { seedAppointmentSites } from './seed.js';
export { registerAppointmentStaffRoutes } from './routes.staff.js';
// Biometrics (issue 17 point 2): a slot's time and a site's name and address as the person reads them, and the rows.
export { siteAddressLines, siteName, slotTimeText } from './views.js';
export type { BookingView } from './repository.js';
export type { SiteRow, SlotRow } from './tables.js';
