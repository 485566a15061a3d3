/**
 * The online appointment request (issue 17 point 3; APPT-1 to APPT-4, CC-8): the public form and its reference number,
 * "View your appointment" (letter, calendar file, cancel), the agent's decision, and the reminders a day before.
 */
export { AppointmentRequestService, reminderJob as appointmentReminderJob } from './service.js';
export { registerAppointmentRequestRoutes } from './routes.js';
