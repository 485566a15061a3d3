/** Contact Center dashboards (issue 5 item 8): charts and tables of volume, backlog, SLA, first response and quality. */
export { DashboardService } from './service.js';
export { registerDashboardRoutes } from './routes.js';
