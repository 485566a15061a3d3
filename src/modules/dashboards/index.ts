/** Contact Center dashboards (issue 5 item 8): charts and tables of volume, backlog, SLA, first response and quality. */
export { DashboardService, DATASETS, type Dataset, type DashboardReport } from './service.js';
export { registerDashboardRoutes, DASHBOARD_ROLES } from './routes.js';
export { barChart, columnChart, lineChart } from './charts.js';
