import { z } from 'zod';

/**
 * The voice assistant's menu as data (issue 16 point 1): a tree of nodes, each with what is said in English and
 * Spanish and its options (a key, speech keywords in both languages, and either another node or an action). Kept in
 * versions (`voice_menu_versions`, migration 0039); a call keeps the version it started with. The language choice
 * comes before the tree (CC-2) and is not part of it.
 */

/** What an option can do besides opening another node. Self-service first (CC-9); live routes only for these. */
export const MENU_ACTIONS = [
  'case_status',
  'info_address',
  'info_biometrics',
  'info_processing_times',
  'live_biometrics',
  'live_emergency',
  'live_expedite',
  'live_outside_time',
  'live_section_1367',
] as const;
export type MenuAction = (typeof MENU_ACTIONS)[number];

export const TEXT_MAX = 600;
const spoken = z
  .string()
  .trim()
  .min(1, { message: 'required' })
  .max(TEXT_MAX, { message: 'too_long' })
  .refine((s) => !/[<>]/.test(s), { message: 'markup' });
const nodeId = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'node_id' });
const keywords = z.array(z.string().trim().min(1).max(60)).max(12);

const option = z
  .object({
    digit: z.string().regex(/^[0-9]$/, { message: 'digit' }),
    keywords: z.object({ en: keywords, es: keywords }),
    target: nodeId.optional(),
    action: z.enum(MENU_ACTIONS).optional(),
  })
  .refine((o) => (o.target === undefined) !== (o.action === undefined), { message: 'target_or_action' });

const node = z.object({
  id: nodeId,
  prompt: z.object({ en: spoken, es: spoken }),
  options: z.array(option).min(1, { message: 'no_options' }).max(9),
});

export const menuSchema = z.object({ root: nodeId, nodes: z.array(node).min(1).max(50) }).superRefine((menu, ctx) => {
  const ids = new Set<string>();
  menu.nodes.forEach((n, i) => {
    if (ids.has(n.id)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: 'duplicate_node' });
    ids.add(n.id);
  });
  if (!ids.has(menu.root)) ctx.addIssue({ code: 'custom', path: ['root'], message: 'unknown_node' });
  menu.nodes.forEach((n, i) => {
    const digits = new Set<string>();
    n.options.forEach((o, j) => {
      if (digits.has(o.digit))
        ctx.addIssue({ code: 'custom', path: ['nodes', i, 'options', j, 'digit'], message: 'duplicate_digit' });
      digits.add(o.digit);
      if (o.target !== undefined && !ids.has(o.target))
        ctx.addIssue({ code: 'custom', path: ['nodes', i, 'options', j, 'target'], message: 'unknown_node' });
    });
  });
});

export type Menu = z.infer<typeof menuSchema>;
export type MenuNode = Menu['nodes'][number];
export type MenuOption = MenuNode['options'][number];

export function nodeOf(menu: Menu, id: string): MenuNode | undefined {
  return menu.nodes.find((n) => n.id === id);
}

/** The tree a new installation starts with (seeded as version 1 the first time the menu is read). */
export const DEFAULT_MENU: Menu = {
  root: 'main',
  nodes: [
    {
      id: 'main',
      prompt: {
        en: 'Main menu. For the status of your case, press 1 or say case status. To change your address, press 2. For biometrics appointments, press 3. For processing times, press 4. For an emergency, such as emergency advance parole or proof of status, press 5. To ask for an expedite, press 6. If your case is outside normal processing time, press 7. If you are calling about a VAWA, T or U matter, press 8.',
        es: 'Menú principal. Para el estado de su caso, oprima 1 o diga estado del caso. Para cambiar su dirección, oprima 2. Para citas de datos biométricos, oprima 3. Para tiempos de procesamiento, oprima 4. Para una emergencia, como un permiso de viaje de emergencia o prueba de estatus, oprima 5. Para pedir una solicitud acelerada, oprima 6. Si su caso está fuera del tiempo normal de procesamiento, oprima 7. Si llama por un asunto de VAWA, T o U, oprima 8.',
      },
      options: [
        {
          digit: '1',
          keywords: { en: ['status', 'case status'], es: ['estado', 'estado del caso'] },
          action: 'case_status',
        },
        {
          digit: '2',
          keywords: { en: ['address', 'change of address'], es: ['direccion', 'cambio de direccion'] },
          action: 'info_address',
        },
        {
          digit: '3',
          keywords: { en: ['biometrics', 'appointment', 'fingerprints'], es: ['biometricos', 'cita', 'huellas'] },
          target: 'biometrics',
        },
        {
          digit: '4',
          keywords: {
            en: ['processing times', 'processing time'],
            es: ['tiempos de procesamiento', 'tiempo de procesamiento'],
          },
          action: 'info_processing_times',
        },
        {
          digit: '5',
          keywords: {
            en: ['emergency', 'advance parole', 'proof of status'],
            es: ['emergencia', 'permiso de viaje', 'prueba de estatus'],
          },
          action: 'live_emergency',
        },
        { digit: '6', keywords: { en: ['expedite'], es: ['acelerada', 'acelerar'] }, action: 'live_expedite' },
        {
          digit: '7',
          keywords: {
            en: ['outside normal processing time', 'taking too long', 'outside processing time'],
            es: ['fuera del tiempo', 'demasiado tiempo'],
          },
          action: 'live_outside_time',
        },
        {
          digit: '8',
          keywords: { en: ['vawa', 't visa', 'u visa'], es: ['vawa', 'visa t', 'visa u'] },
          action: 'live_section_1367',
        },
      ],
    },
    {
      id: 'biometrics',
      prompt: {
        en: 'Biometrics appointments. To reschedule online by yourself, press 1 or say online. If you must reschedule in advance and cannot do it online, press 2 or say agent. To go back to the main menu, press 9.',
        es: 'Citas de datos biométricos. Para cambiar la cita usted mismo en línea, oprima 1 o diga en línea. Si debe cambiarla con anticipación y no puede hacerlo en línea, oprima 2 o diga agente. Para volver al menú principal, oprima 9.',
      },
      options: [
        { digit: '1', keywords: { en: ['online', 'reschedule online'], es: ['en linea'] }, action: 'info_biometrics' },
        {
          digit: '2',
          keywords: { en: ['agent', 'in advance', 'representative'], es: ['agente', 'con anticipacion'] },
          action: 'live_biometrics',
        },
        { digit: '9', keywords: { en: ['main menu', 'back'], es: ['menu principal', 'volver'] }, target: 'main' },
      ],
    },
  ],
};
