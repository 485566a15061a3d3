import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import type { Random } from '../../platform/random.js';
import * as repo from './repository.js';
import { AppointmentService } from './service.js';
import type { SiteKind, SiteService } from './tables.js';

/**
 * Demo appointment sites: Application Support Centers and field offices across the time zones (New York, Chicago,
 * Denver, Phoenix with no DST, Los Angeles, Honolulu with no DST, San Juan with no DST), with weekly templates.
 * The field offices keep the office codes of the demo cases (FO-NYC, FO-LOS, FO-MIA, FO-HOU, FO-CHI). Addresses are
 * demo data. Idempotent: a site whose code exists is left as an administrator may have edited it.
 */

interface DemoSite {
  code: string;
  kind: SiteKind;
  name_en: string;
  name_es: string;
  address_line1: string;
  city: string;
  state: string;
  zip: string;
  latitude: number;
  longitude: number;
  time_zone: string;
}

const FIELD_SERVICES: SiteService[] = [
  'interview',
  'adit_stamp',
  'emergency_advance_parole',
  'immigration_judge_grant',
];

const asc = (
  code: string,
  city: string,
  es: string,
  rest: Omit<DemoSite, 'code' | 'kind' | 'name_en' | 'name_es' | 'city'>,
) => ({
  code,
  kind: 'asc' as const,
  name_en: `${city} Application Support Center`,
  name_es: `Centro de Apoyo a Solicitantes de ${es}`,
  city,
  ...rest,
});
const fo = (
  code: string,
  city: string,
  es: string,
  rest: Omit<DemoSite, 'code' | 'kind' | 'name_en' | 'name_es' | 'city'>,
) => ({
  code,
  kind: 'field_office' as const,
  name_en: `${city} Field Office`,
  name_es: `Oficina Local de ${es}`,
  city,
  ...rest,
});

export const DEMO_SITES: readonly DemoSite[] = [
  asc('ASC-NYC', 'Brooklyn', 'Brooklyn', {
    address_line1: '250 Livingston St',
    state: 'NY',
    zip: '11201',
    latitude: 40.6889,
    longitude: -73.9867,
    time_zone: 'America/New_York',
  }),
  fo('FO-NYC', 'New York City', 'la Ciudad de Nueva York', {
    address_line1: '26 Federal Plz',
    state: 'NY',
    zip: '10278',
    latitude: 40.7152,
    longitude: -74.0038,
    time_zone: 'America/New_York',
  }),
  asc('ASC-BOS', 'Boston', 'Boston', {
    address_line1: '15 New Sudbury St',
    state: 'MA',
    zip: '02203',
    latitude: 42.3615,
    longitude: -71.0604,
    time_zone: 'America/New_York',
  }),
  asc('ASC-ATL', 'Atlanta', 'Atlanta', {
    address_line1: '2150 Parklake Dr NE',
    state: 'GA',
    zip: '30345',
    latitude: 33.8479,
    longitude: -84.2539,
    time_zone: 'America/New_York',
  }),
  asc('ASC-MIA', 'Miami', 'Miami', {
    address_line1: '7880 Biscayne Blvd',
    state: 'FL',
    zip: '33138',
    latitude: 25.8486,
    longitude: -80.1856,
    time_zone: 'America/New_York',
  }),
  fo('FO-MIA', 'Miami', 'Miami', {
    address_line1: '8801 NW 7th Ave',
    state: 'FL',
    zip: '33150',
    latitude: 25.8512,
    longitude: -80.207,
    time_zone: 'America/New_York',
  }),
  asc('ASC-CHI', 'Chicago', 'Chicago', {
    address_line1: '101 W Congress Pkwy',
    state: 'IL',
    zip: '60605',
    latitude: 41.8757,
    longitude: -87.6308,
    time_zone: 'America/Chicago',
  }),
  fo('FO-CHI', 'Chicago', 'Chicago', {
    address_line1: '101 W Congress Pkwy',
    state: 'IL',
    zip: '60605',
    latitude: 41.8756,
    longitude: -87.6306,
    time_zone: 'America/Chicago',
  }),
  asc('ASC-HOU', 'Houston', 'Houston', {
    address_line1: '8505 Gulf Fwy',
    state: 'TX',
    zip: '77017',
    latitude: 29.6823,
    longitude: -95.2606,
    time_zone: 'America/Chicago',
  }),
  fo('FO-HOU', 'Houston', 'Houston', {
    address_line1: '810 Gears Rd',
    state: 'TX',
    zip: '77067',
    latitude: 29.9547,
    longitude: -95.4522,
    time_zone: 'America/Chicago',
  }),
  asc('ASC-DEN', 'Denver', 'Denver', {
    address_line1: '12484 E Weaver Pl',
    state: 'CO',
    zip: '80111',
    latitude: 39.6123,
    longitude: -104.8799,
    time_zone: 'America/Denver',
  }),
  asc('ASC-PHX', 'Phoenix', 'Phoenix', {
    address_line1: '1330 S 16th St',
    state: 'AZ',
    zip: '85034',
    latitude: 33.4365,
    longitude: -112.0479,
    time_zone: 'America/Phoenix',
  }),
  asc('ASC-LOS', 'Los Angeles', 'Los Ángeles', {
    address_line1: '1946 W Olympic Blvd',
    state: 'CA',
    zip: '90006',
    latitude: 34.0506,
    longitude: -118.2838,
    time_zone: 'America/Los_Angeles',
  }),
  fo('FO-LOS', 'Los Angeles', 'Los Ángeles', {
    address_line1: '300 N Los Angeles St',
    state: 'CA',
    zip: '90012',
    latitude: 34.0537,
    longitude: -118.2427,
    time_zone: 'America/Los_Angeles',
  }),
  asc('ASC-HNL', 'Honolulu', 'Honolulu', {
    address_line1: '677 Ala Moana Blvd',
    state: 'HI',
    zip: '96813',
    latitude: 21.3008,
    longitude: -157.8626,
    time_zone: 'Pacific/Honolulu',
  }),
  fo('FO-HNL', 'Honolulu', 'Honolulu', {
    address_line1: '500 Ala Moana Blvd',
    state: 'HI',
    zip: '96813',
    latitude: 21.3044,
    longitude: -157.8652,
    time_zone: 'Pacific/Honolulu',
  }),
  asc('ASC-SJU', 'San Juan', 'San Juan', {
    address_line1: '1593 Ave Ponce de León',
    state: 'PR',
    zip: '00920',
    latitude: 18.4,
    longitude: -66.06,
    time_zone: 'America/Puerto_Rico',
  }),
  fo('FO-SJU', 'San Juan', 'San Juan', {
    address_line1: '7 Calle Tabonuco',
    state: 'PR',
    zip: '00968',
    latitude: 18.38,
    longitude: -66.11,
    time_zone: 'America/Puerto_Rico',
  }),
];

/** An ASC sees people every half hour 8:00-15:30, 4 at a time; a field office every hour 8:30-14:30, 2 at a time. */
export function demoTemplates(
  kind: SiteKind,
): { weekday: number; start_time: string; duration_minutes: number; capacity: number }[] {
  const times =
    kind === 'asc'
      ? Array.from({ length: 16 }, (_, i) => `${String(8 + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`)
      : Array.from({ length: 7 }, (_, i) => `${String(8 + i).padStart(2, '0')}:30`);
  return [1, 2, 3, 4, 5].flatMap((weekday) =>
    times.map((start_time) => ({
      weekday,
      start_time,
      duration_minutes: kind === 'asc' ? 30 : 60,
      capacity: kind === 'asc' ? 4 : 2,
    })),
  );
}

/** Adds the demo sites missing, with their templates, then materialises their slots. Answers how many sites. */
export async function seedAppointmentSites(
  db: DbHandle,
  deps: { clock: Clock; random: Random; slotDays?: number },
): Promise<number> {
  const added = await inTransaction(db, async (trx) => {
    let n = 0;
    for (const site of DEMO_SITES) {
      const fresh = await repo.insertSite(trx, {
        ...site,
        address_line2: null,
        services: site.kind === 'asc' ? ['biometrics'] : FIELD_SERVICES,
        active: true,
        updated_at: deps.clock.now(),
      });
      if (!fresh) continue;
      n++;
      await repo.insertTemplates(
        trx,
        demoTemplates(site.kind).map((t) => ({ id: deps.random.uuid(), site_code: site.code, ...t })),
      );
    }
    return n;
  });
  if (added) await new AppointmentService({ db, ...deps }).generateSlots();
  return added;
}
