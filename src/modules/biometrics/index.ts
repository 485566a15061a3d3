/** Biometrics appointments (issue 17 point 2; BIO-1 to BIO-4, CC-11): scheduling, reschedules, Tier 2/Tier 3 expedites. */
export { BiometricsService, recordBiometricsJob, scheduleBiometricsJob } from './service.js';
export { registerBiometricsRoutes } from './routes.js';
