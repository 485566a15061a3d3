/** The demo data every test database starts from. */
export const TEST_SEED = 424242;
export const TEST_SEED_COUNT = 300;
export const TEST_AS_OF = '2026-11-01T00:00:00Z';
