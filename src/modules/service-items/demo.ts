import type { DbHandle } from '../../platform/db/database.js';
import type { JobQueue } from '../../platform/jobs/index.js';
import { seededRandom } from '../../platform/random.js';
import { insertEvent, insertItem, routingRules } from './repository.js';
import { routeItem } from './routing.js';
import { slaCheckJob } from './service.js';
import { expectation } from './sla.js';
import type { ServiceItemChannel, ServiceItemStatus, SlaPolicyName } from './tables.js';

/**
 * A few weeks of Contact Center history for the demo data (issue 15 point 14): service items of every channel,
 * routed by the routing rules to their queues and tiers with their SLA clocks, most of the older ones answered and
 * resolved (some late), the recent ones open or escalated, so the dashboards, the queues and quality review have
 * something to show on a first start. Deterministic from a seed number and an "as of" moment; added only to a
 * database without service items.
 */

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export interface DemoCase {
  id: number;
  receipt_number: string;
  office_code: string;
}

export interface ContactCenterDemoOptions {
  seed: number;
  /** The history ends at this moment. */
  asOf: Date;
  /** Days of history before `asOf`. */
  days?: number;
  /** Items per day, on average (fewer at weekends). */
  perDay?: number;
  timeZone: string;
  /** Cases the items may be about (not Section 1367 ones). */
  cases: readonly DemoCase[];
  /**
   * The job queue (its types registered and its queues made: after `casedesk migrate` or `jobs.start()`): each item
   * still open gets its SLA check at its due moment, as `createRouted` gives a real item, so the demo's open items
   * are breached and escalated when their time comes. Without it no check is scheduled.
   */
  jobs?: Pick<JobQueue, 'send'>;
}

/** What people write about, by channel: type, and a subject and description in each language. */
type Topic = [type: string, en: [string, string], es: [string, string]];
const CASE_TOPICS: Topic[] = [
  [
    'case_status',
    ['What is happening with my case?', 'The status has not changed for months and I would like to know why.'],
    ['¿Qué pasa con mi caso?', 'El estatus no ha cambiado en meses y quisiera saber por qué.'],
  ],
  [
    'case_inquiry',
    ['My case is taking longer than expected', 'My work permit expires soon and my case is still pending.'],
    ['Mi caso tarda más de lo esperado', 'Mi permiso de trabajo vence pronto y mi caso sigue pendiente.'],
  ],
  [
    'address_change',
    ['I moved', 'I moved last month and need my notices sent to my new address.'],
    ['Me mudé', 'Me mudé el mes pasado y necesito que los avisos lleguen a mi nueva dirección.'],
  ],
  [
    'biometrics_reschedule',
    ['Reschedule my biometrics', 'I cannot attend my biometrics appointment because of surgery.'],
    ['Cambiar mi cita de biometría', 'No puedo ir a mi cita de datos biométricos por una cirugía.'],
  ],
  [
    'general_question',
    ['Which form do I need?', 'I want to bring my mother to live with me and do not know which form to file.'],
    ['¿Qué formulario necesito?', 'Quiero traer a mi madre a vivir conmigo y no sé qué formulario presentar.'],
  ],
  [
    'expedite_request',
    ['Please expedite my case', 'My father is very ill abroad and I need my travel document soon.'],
    [
      'Por favor aceleren mi caso',
      'Mi padre está muy enfermo en el extranjero y necesito pronto mi documento de viaje.',
    ],
  ],
  [
    'interview_reschedule',
    ['Move my interview', 'My interview is the day my child is due; could it be moved?'],
    ['Cambiar mi entrevista', 'Mi entrevista es el día en que nace mi hijo; ¿se puede cambiar?'],
  ],
];
const E_REQUEST_TOPICS: Topic[] = [
  [
    'outside_processing_time',
    ['Case outside normal processing time', 'My case was received more than a year ago.'],
    ['Caso fuera del tiempo normal de procesamiento', 'Mi caso se recibió hace más de un año.'],
  ],
  [
    'typo_correction',
    ['Typo on my notice', 'My date of birth is wrong on my receipt notice.'],
    ['Error en mi aviso', 'Mi fecha de nacimiento está mal en mi aviso de recibo.'],
  ],
  [
    'mail_not_received',
    ['My card did not arrive', 'The card was mailed three weeks ago and has not arrived.'],
    ['No llegó mi tarjeta', 'La tarjeta se envió hace tres semanas y no ha llegado.'],
  ],
  [
    'accommodation_request',
    ['Sign language interpreter', 'I need an ASL interpreter at my interview.'],
    ['Intérprete de lengua de señas', 'Necesito un intérprete de lengua de señas en mi entrevista.'],
  ],
];
const HELP_TOPICS: Topic[] = [
  [
    'locked_out',
    ['Locked out', 'I typed my code wrong too many times and my account is locked.'],
    ['Cuenta bloqueada', 'Escribí mal el código demasiadas veces y mi cuenta está bloqueada.'],
  ],
  [
    'password_reset',
    ['Reset email not arriving', 'I asked for a password reset twice and nothing came.'],
    ['No llega el correo para restablecer', 'Pedí restablecer la contraseña dos veces y no llegó nada.'],
  ],
  [
    'two_step',
    ['Lost my phone', 'I lost my phone with the authenticator app and my backup codes.'],
    ['Perdí mi teléfono', 'Perdí el teléfono con la aplicación de autenticación y mis códigos de respaldo.'],
  ],
];
const MESSAGE_TOPIC: Topic = [
  'secure_message',
  ['Question about my evidence', 'I uploaded my birth certificate; did you receive it?'],
  ['Pregunta sobre mi evidencia', 'Subí mi acta de nacimiento; ¿la recibieron?'],
];
const APPOINTMENT_TOPIC: Topic = [
  'appointment_request',
  ['I need an appointment', 'I need proof of status for a new job that starts next week.'],
  ['Necesito una cita', 'Necesito prueba de estatus para un trabajo nuevo que empieza la próxima semana.'],
];

const ANSWERS: Record<'en' | 'es', string[]> = {
  en: [
    'Thank you for contacting us. Your case is being processed; we will mail you a notice when a decision is made.',
    'We have updated your address on the case. Your next notice will be sent there.',
    'We sent your request to the office that has your case. They will contact you.',
    'Your account is unlocked. You can sign in again with your password and a new code.',
  ],
  es: [
    'Gracias por comunicarse con nosotros. Su caso está en trámite; le enviaremos un aviso cuando haya una decisión.',
    'Actualizamos su dirección en el caso. Su próximo aviso se enviará allí.',
    'Enviamos su solicitud a la oficina que tiene su caso. Ellos se comunicarán con usted.',
    'Su cuenta está desbloqueada. Puede iniciar sesión de nuevo con su contraseña y un código nuevo.',
  ],
};

const GIVEN = ['Maria', 'José', 'Ana', 'Wei', 'Olga', 'Ahmed', 'Linh', 'Carlos', 'Fatima', 'John', 'Lucía', 'Ivan'];
const FAMILY = ['Garcia', 'Nguyen', 'Smith', 'López', 'Chen', 'Haddad', 'Kowalski', 'Okafor', 'Patel', 'Núñez'];

/** Adds the history; answers how many items it added (none when the database already has service items). */
export async function seedContactCenterDemo(db: DbHandle, options: ContactCenterDemoOptions): Promise<number> {
  const existing = await db.selectFrom('service_items').select('id').limit(1).executeTakeFirst();
  if (existing) return 0;
  const rand = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  // Channels, how often each is used (calls first, as at the agency) and what people write about there.
  const channels: [ServiceItemChannel, number, () => Topic][] = [
    ['phone', 34, () => pick(CASE_TOPICS)],
    ['chat', 14, () => pick(CASE_TOPICS)],
    ['e_request', 20, () => pick(E_REQUEST_TOPICS)],
    ['technical_help_form', 14, () => pick(HELP_TOPICS)],
    ['secure_message', 12, () => MESSAGE_TOPIC],
    ['appointment_request', 6, () => APPOINTMENT_TOPIC],
  ];
  const totalWeight = channels.reduce((s, [, w]) => s + w, 0);
  const rules = await routingRules(db);
  const days = options.days ?? 28;
  const perDay = options.perDay ?? 9;
  const asOf = options.asOf.getTime();
  let added = 0;
  let n = 0;
  for (let day = days; day >= 0; day--) {
    const dayStart = asOf - day * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    const count = Math.round(perDay * (weekday === 0 || weekday === 6 ? 0.35 : 1) * (0.7 + 0.6 * rand()));
    for (let i = 0; i < count; i++) {
      // Between 8:00 and 20:00 Eastern (13:00 to 01:00 UTC), never after the as-of moment.
      const createdAt = new Date(Math.floor(dayStart / DAY) * DAY + (13 + rand() * 12) * HOUR);
      if (createdAt.getTime() > asOf) continue;
      let r = rand() * totalWeight;
      const [channel, , topicOf] = channels.find(([, w]) => (r -= w) < 0) ?? channels[0]!;
      const [type, en, es] = topicOf();
      const language = rand() < 0.22 ? 'es' : 'en';
      const [subject, description] = language === 'es' ? es : en;
      const urgent = type === 'appointment_request' || type === 'expedite_request' || rand() < 0.08;
      const helpDesk = channel === 'technical_help_form';
      const c = helpDesk || rand() < 0.15 ? undefined : pick(options.cases);
      const route = routeItem(rules, {
        channel,
        type,
        urgent,
        section1367: false,
        officeCode: c?.office_code,
      });
      // The routing rules give each item its clock, as for real items: the help desk's by its own targets (ACC-6: a day
      // for resets and lockouts, two to three otherwise; migration 0035), the others' by the agency's (CC-4, CC-5).
      const policy: SlaPolicyName = route.slaPolicy ?? (urgent ? 'urgent' : 'non_urgent');
      const dueAt = expectation(policy, createdAt, options.timeZone).dueAt;
      const age = asOf - createdAt.getTime();
      const given = pick(GIVEN);
      const family = pick(FAMILY);
      // Older items are mostly resolved; the last days' mostly open. Some answers come after the due moment.
      const resolved = rand() < (age > 3 * DAY ? 0.85 : age > DAY ? 0.45 : 0.1);
      const span = Math.max(HOUR, dueAt.getTime() - createdAt.getTime());
      const late = rand() < 0.12;
      let resolvedAt = new Date(createdAt.getTime() + (late ? span * (1.05 + rand() * 0.5) : span * rand() * 0.6));
      if (resolvedAt.getTime() > asOf) resolvedAt = new Date(asOf - Math.floor(rand() * HOUR));
      const breached = (resolved ? resolvedAt : options.asOf) > dueAt;
      const escalated = !resolved && (breached || rand() < 0.15);
      const queue = escalated && route.queue === 'tier1' ? 'tier2' : route.queue;
      const status: ServiceItemStatus = resolved ? 'resolved' : escalated ? 'escalated' : 'open';
      const firstResponseAt = resolved
        ? new Date(createdAt.getTime() + (resolvedAt.getTime() - createdAt.getTime()) * (0.3 + rand() * 0.7))
        : null;
      const resolution = resolved
        ? route.queue.startsWith('office:')
          ? 'sent_to_office'
          : type === 'case_status'
            ? 'case_status_given'
            : type === 'appointment_request'
              ? 'appointment_made'
              : pick(['answered', 'answered', 'answered', 'no_action_needed'] as const)
        : null;
      const escalatedAt = escalated ? (breached ? dueAt : new Date(createdAt.getTime() + span * 0.3)) : null;
      n++;
      const item = await insertItem(db, {
        id: uuidFrom(rand),
        channel,
        type,
        queue,
        status,
        account_id: null,
        contact_name: `${given} ${family}`,
        contact_email: `${ascii(given)}.${ascii(family)}.${n}@example.com`.toLowerCase(),
        contact_phone: channel === 'phone' ? `+1202555${String(1000 + n).slice(-4)}` : null,
        language,
        urgent,
        priority: urgent ? 1 : 2,
        subject,
        description,
        owner_id: null,
        created_at: createdAt,
        due_at: dueAt,
        resolved_at: resolved ? resolvedAt : null,
        resolution,
        case_id: c?.id ?? null,
        receipt_number: c?.receipt_number ?? null,
        section_1367: false,
        office_code: c?.office_code ?? null,
        sla_policy: policy,
        sla_started_at: createdAt,
        breached_at: breached ? dueAt : null,
        escalated_at: escalatedAt,
        first_response_at: firstResponseAt,
        details: JSON.stringify({ demo: true }),
      });
      const event = (kind: string, at: Date, body: string | null, visible: boolean, details: object = {}) =>
        insertEvent(db, {
          item_id: item.id,
          kind,
          actor_id: null,
          occurred_at: at,
          body,
          customer_visible: visible,
          details: JSON.stringify(details),
        });
      await event('created', createdAt, null, true, {
        channel,
        queue: route.queue,
        rule: route.rule,
        why: route.note,
        sla: policy,
        dueAt: dueAt.toISOString(),
      });
      if (breached) await event('sla_breached', dueAt, null, false, { from: route.queue, to: queue });
      if (escalatedAt) await event('escalated', escalatedAt, null, false, { from: route.queue, to: queue });
      if (firstResponseAt) await event('reply', firstResponseAt, pick(ANSWERS[language]), true);
      if (resolved) await event('resolved', resolvedAt, null, true, { code: resolution });
      // An open item is watched like a real one: its check runs at its due moment (one already breached is left
      // alone by the check, as after a real breach).
      if (!resolved && options.jobs)
        await options.jobs.send(db, slaCheckJob, { itemId: item.id }, { startAfter: dueAt });
      added++;
    }
  }
  return added;
}

function ascii(name: string): string {
  return name.normalize('NFD').replace(/[^A-Za-z]/g, '');
}

/** A version 4 UUID from the seeded random numbers (the same seed gives the same ids). */
function uuidFrom(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ['8', '9', 'a', 'b'][Math.floor(rand() * 4)]!;
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
