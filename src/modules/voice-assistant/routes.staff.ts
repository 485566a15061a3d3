import { z } from 'zod';
import { actorOf } from '../../platform/audit.js';
import { fields, text, type App } from '../../platform/http/inputs.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import type { VoiceAssistantService } from './service.js';
import { voiceMenuPage } from './views.js';

export interface VoiceMenuRoutesDeps {
  voice: VoiceAssistantService;
  timeZone: string;
}

const editors = { policy: 'staff', roles: ['administrator'] } as const;
/** Node ids are data: every `node-<id>-<en|es>` field of the form, each one text cut at 2,000 characters. */
const menuForm = z.unknown().transform((body): { texts: Record<string, { en: string; es: string }>; note: string } => {
  const texts: Record<string, { en: string; es: string }> = {};
  const entries: [string, unknown][] = Object.entries(body && typeof body === 'object' ? body : {});
  for (const [key, value] of entries) {
    const m = /^node-([a-z][a-z0-9_]{0,39})-(en|es)$/.exec(key);
    if (!m || typeof value !== 'string') continue;
    texts[m[1]!] ??= { en: '', es: '' };
    texts[m[1]!]![m[2] as 'en' | 'es'] = value.slice(0, 2_000);
  }
  const note: unknown = entries.find(([k]) => k === 'note')?.[1];
  return { texts, note: typeof note === 'string' ? note.slice(0, 500) : '' };
});
const inputs = { done: fields({ done: text(20) }) };

/** /staff/voice-menu: administrators edit the voice assistant's node texts in both languages and publish a version. */
export function registerVoiceMenuRoutes(app: App, deps: VoiceMenuRoutesDeps): void {
  app.get('/staff/voice-menu', { config: editors, schema: { querystring: inputs.done } }, async (request, reply) => {
    const { version, menu } = await deps.voice.publishedMenu();
    return reply.html(
      voiceMenuPage(staffContext(request), {
        signedIn: signedInOf(reply),
        version,
        menu,
        versions: await deps.voice.versions(),
        timeZone: deps.timeZone,
        done: request.query.done === 'published',
      }),
    );
  });

  app.post('/staff/voice-menu', { config: editors, schema: { body: menuForm } }, async (request, reply) => {
    const { texts, note } = request.body;
    const result = await deps.voice.publishTexts(actorOf(request), texts, note);
    if (result.ok) return reply.redirect('/staff/voice-menu?done=published', 303);
    const { version, menu } = await deps.voice.publishedMenu();
    return reply.html(
      voiceMenuPage(staffContext(request), {
        signedIn: signedInOf(reply),
        version,
        menu,
        versions: await deps.voice.versions(),
        timeZone: deps.timeZone,
        values: texts,
        note,
        errors: result.problems.map((p) => ({
          field: p.field,
          message: request.t(`voice_assistant:staff.errors.${p.code}`, {
            defaultValue: request.t('voice_assistant:staff.errors.invalid'),
          }),
        })),
      }),
      400,
    );
  });
}
